# bash completion for vhtask (installed as share/bash-completion/completions/vhtask).
# Completes subcommands, their flags, states and colours, and step and task names read from the
# valohai.yaml given with -f (default ./valohai.yaml). Keep the lists in step with client/cmd_*.cpp.

# Names of the `- step:` (or `- task:`) items in a valohai.yaml: the first `name:` after each.
_vhtask_yaml_names() {
    local kind=$1 file=$2
    [[ -r $file ]] || return
    awk -v kind="$kind" '
        $0 ~ "^[[:space:]]*-[[:space:]]*" kind ":" { want = 1; next }
        /^[[:space:]]*-[[:space:]]*[a-z]+:[[:space:]]*$/ { want = 0 }
        want && /^[[:space:]]+name:/ {
            sub(/^[[:space:]]+name:[[:space:]]*/, ""); gsub(/["\047]/, ""); print; want = 0
        }' "$file" 2>/dev/null
}

_vhtask() {
    local cur prev
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}

    local commands="lint render start status show outputs compare logs rerun wait stop parallel shutdown daemon"
    local global_flags="--socket --state-dir --no-autostart --color --help --version"
    local states="queued started stopping complete error stopped crashed running"

    # The subcommand: the first word that is neither a flag nor a global option's value.
    local i word command="" file="valohai.yaml"
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        case $word in
            --socket | --state-dir | --color) ((i++)) ;;
            -f | --file) [[ $command == @(lint|render|start) ]] && file=${COMP_WORDS[i+1]}; ((i++)) ;;
            -*) ;;
            *) [[ -z $command ]] && command=$word ;;
        esac
    done

    case $prev in
        --socket) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --state-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
        --executor) COMPREPLY=($(compgen -W "local slurm" -- "$cur")); return ;;
    esac

    if [[ -z $command ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$global_flags" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        fi
        return
    fi

    local flags=""
    case $command in
        lint) flags="-f --file -v --verbose" ;;
        render) flags="-f --file -p --param --json" ;;
        start) flags="-f --file -g --grid -t --task -p --param --seed --parallel --name -n --dry-run -w --wait -y --yes --json --executor --partition --sbatch-arg --pack" ;;
        status) flags="-s --state -n --limit -w --watch --json" ;;
        show | outputs | wait | shutdown) flags="--json" ;;
        compare) flags="-s --sort --desc -n --limit --all-attempts --json --csv" ;;
        logs) flags="-f --follow -n --tail --json" ;;
        rerun) flags="--failed --json" ;;
        stop) flags="-e --exec --json" ;;
        parallel) flags="-t --task --json" ;;
        daemon) flags="" ;;
    esac

    case $command:$prev in
        lint:-f | lint:--file | render:-f | render:--file | start:-f | start:--file | start:-g | start:--grid)
            COMPREPLY=($(compgen -f -- "$cur")); return ;;
        start:-t | start:--task)
            COMPREPLY=($(compgen -W "$(_vhtask_yaml_names task "$file")" -- "$cur")); return ;;
        status:-s | status:--state)
            COMPREPLY=($(compgen -W "$states" -- "$cur")); return ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$flags $global_flags" -- "$cur"))
    elif [[ $command == render || $command == start ]]; then
        COMPREPLY=($(compgen -W "$(_vhtask_yaml_names step "$file")" -- "$cur"))
    fi
}

complete -F _vhtask vhtask
