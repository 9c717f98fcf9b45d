"""Credentials: secrets come from an environment variable, a command or the system keyring,
never from config.toml; errors name where a secret was looked for, never its value."""

from __future__ import annotations

import os
import shlex
import subprocess

from inbox_agent.config.settings import Config
from inbox_agent.errors import ConfigError


def resolve_secret(
    *, what: str, env: str = "", command: str = "", keyring_service: str = "", username: str = ""
) -> str:
    """A secret from an environment variable, a command's output, or the keyring.

    Error messages name where the secret was looked for, never its value.
    """
    if env and os.environ.get(env):
        return os.environ[env]
    if command:
        return _run_secret_command(what, command)
    if keyring_service:
        return _keyring_secret(what, keyring_service, username)
    hint = f"set the environment variable {env}" if env else "set password_env"
    raise ConfigError(f"no {what} found: {hint}, or password_command, or keyring = true")


def _run_secret_command(what: str, command: str) -> str:
    try:
        done = subprocess.run(
            shlex.split(command), capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, ValueError, subprocess.TimeoutExpired) as err:
        raise ConfigError(f"the {what} command could not run ({type(err).__name__})") from err
    secret = done.stdout.strip()
    if done.returncode != 0 or not secret:
        raise ConfigError(
            f"the {what} command failed (exit {done.returncode}) or printed nothing",
            hint="run it yourself to check",
        )
    return secret


def _keyring_secret(what: str, service: str, username: str) -> str:
    try:
        import keyring  # optional dependency
    except ImportError as err:
        raise ConfigError(
            f"keyring is not installed: pip install keyring (for the {what})"
        ) from err
    try:
        secret = keyring.get_password(service, username)
    except Exception as err:  # keyring backends raise many kinds of errors
        raise ConfigError(
            f"the system keyring failed for {service} ({type(err).__name__})"
        ) from err
    if not secret:
        raise ConfigError(
            f"no {what} in the keyring for service {service!r}, user {username!r}: "
            f"run `keyring set {service} {username}`"
        )
    return secret


def imap_password(config: Config) -> str:
    """The IMAP password, or the XOAUTH2 access token when auth = "xoauth2"."""
    imap = config.imap
    if imap.auth == "xoauth2":
        if not imap.oauth2_token_command:
            raise ConfigError(
                f"{config.path}: imap.oauth2_token_command is missing (auth = xoauth2)"
            )
        return _run_secret_command("OAuth2 token", imap.oauth2_token_command)
    return resolve_secret(
        what=f"IMAP password for {imap.username}",
        env=imap.password_env,
        command=imap.password_command,
        keyring_service=f"inbox-agent:{imap.host}" if imap.keyring else "",
        username=imap.username,
    )
