from inbox_agent.cli import main

main(prog_name="inbox-agent")
