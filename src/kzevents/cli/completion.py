"""``kzevents completion``: a shell completion script, generated from the parser (so a new command or
option completes with no more work)."""

from __future__ import annotations

import argparse

from kzevents.cli.common import EXIT_OK, Command, Context

BASH = """# kzevents completion for bash (and zsh through bashcompinit): eval "$(kzevents completion bash)"
_kzevents() {{
    local cur=${{COMP_WORDS[COMP_CWORD]}} command=${{COMP_WORDS[1]}}
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "{commands} --help --version" -- "$cur"))
        return
    fi
    case "$command" in
{cases}
    esac
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}}
complete -o filenames -F _kzevents kzevents
"""


def script(parser: argparse.ArgumentParser) -> str:
    """The bash completion script for ``parser``'s commands and their options."""
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    cases = []
    for name, p in sub.choices.items():
        options = sorted(o for a in p._actions for o in a.option_strings)
        cases.append(f'        {name}) local options="{" ".join(options)}" ;;')
    return BASH.format(commands=" ".join(sub.choices), cases="\n".join(cases))


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("shell", choices=("bash",), help="the shell (zsh: autoload bashcompinit; bashcompinit)")


def run(ctx: Context) -> int:
    from kzevents.cli import build_parser  # the whole parser, built when the command runs

    text = script(build_parser())
    ctx.result = {"shell": ctx.args.shell, "script": text}
    ctx.report(text.rstrip("\n"))
    return EXIT_OK


COMMAND = Command(
    name="completion",
    help="print a shell completion script (bash; zsh through bashcompinit)",
    description=(
        "Print a completion script for the shell: command names, each command's options, and file names "
        "for arguments. Load it in the shell's start-up file."
    ),
    examples=(
        ('eval "$(kzevents completion bash)"', "complete kzevents in this bash session"),
        ("kzevents completion bash > ~/.local/share/bash-completion/completions/kzevents", "for good"),
    ),
    arguments=arguments,
    run=run,
)
