# Bash completion for fastil: `source scripts/completion/fastil.bash` (or copy it to /etc/bash_completion.d/).
# fastil answers System.CommandLine's [suggest:POSITION] directive with the words that fit at POSITION of a command
# line (commands, options, an option's choices, env ids), so completion always matches the installed version.
_fastil_complete() {
    local line="${COMP_LINE#"${COMP_WORDS[0]}"}"
    line="${line# }"
    local point=$(( COMP_POINT - ${#COMP_LINE} + ${#line} ))
    (( point < 0 )) && point=0
    local IFS=$'\n'
    COMPREPLY=( $(compgen -W "$("${COMP_WORDS[0]}" "[suggest:${point}]" "${line}" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}") )
}
complete -F _fastil_complete fastil
