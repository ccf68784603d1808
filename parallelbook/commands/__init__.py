"""Stage 7, commands: one module per command of the command line other than the build.

Each holds `command_<name>(args) -> Outcome`: it calls the stages below, writes
its files atomically, and returns what to tell the user; only cli.py prints.
"""
