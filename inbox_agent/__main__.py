from inbox_agent.cli.main import main

main(prog_name="inbox-agent")
