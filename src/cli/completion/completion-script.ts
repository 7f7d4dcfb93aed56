import { FILE_STATUSES } from '../../catalog/disk-files.js';
import { SHARD_STATES } from '../../catalog/shards.js';
import { SHARD_SPLITS, SPLITS, VERSIONS } from '../../sources/bucket-layout.js';
import type { OptionSpecs } from '../command.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** What a completion script knows: each command, its options, and which take a subset name or a named query. */
export interface CompletionModel {
  commands: { name: string; summary: string; options: OptionSpecs }[];
  globals: OptionSpecs;
}

/** Values an option takes, by the option's name; the rest complete as files or not at all. */
const VALUES: Record<string, readonly string[]> = {
  version: VERSIONS,
  versions: VERSIONS,
  split: SPLITS,
  format: [],
  labels: ['compact'],
  paths: ['relative', 'absolute'],
  'class-names': ['torchvision'],
  status: FILE_STATUSES,
  state: SHARD_STATES,
};
/** Splits of shards (K400's replacement archive) where the command reads shards, annotation splits elsewhere. */
const SHARD_SPLIT_COMMANDS = ['shards'];
const FORMATS: Record<string, string[]> = {
  plan: ['urls', 'aria2', 's5cmd', 'rclone'],
  export: ['csv', 'jsonl', 'mmaction', 'pytorchvideo', 'slowfast', 'videomae', 'tree', 'fiftyone', 'webdataset', 'hf'],
};
const FOLDER_OPTIONS = ['home', 'out', 'root', 'archives'];
const FILE_OPTIONS = ['db', 'worker-db', 'label-map', 'classes-file'];
/** Commands whose first word is a subset's name. */
const TAKES_SUBSET = ['plan', 'fetch', 'extract', 'export', 'slurm'];
const SUBSET_ACTIONS = ['create', 'split', 'list', 'show', 'drop'];
const SHARDS_ACTIONS = ['list', 'index', 'export-index', 'import-index'];

/** `--name`, and `--no-name` for a switch that is on unless turned off. */
const flags = (specs: OptionSpecs) => Object.entries(specs).flatMap(([name, spec]) => (spec.default === true ? [`--${name}`, `--no-${name}`] : [`--${name}`]));

function bash(model: CompletionModel): string {
  const optionCases = model.commands.map((command) => `    ${command.name}) opts="${[...flags(command.options), ...flags(model.globals)].join(' ')}";;`).join('\n');
  const valueCases = Object.entries(VALUES)
    .filter(([name]) => name !== 'format' && name !== 'split')
    .map(([name, values]) => `    --${name}) COMPREPLY=($(compgen -W "${values.join(' ')}" -- "$cur")); return;;`)
    .join('\n');
  return `# kinetics completion for bash: add to ~/.bashrc
#   eval "$(kinetics completion bash)"
# Only plain names: compgen -W expands its words, so a name the catalog holds must never reach it as code.
# Names are asked of the catalog the line names (--home, --db), wherever on the line they stand.
_kinetics_words() { kinetics "\${scope[@]}" "$@" --tsv 2>/dev/null | tail -n +2 | cut -f1 | grep -E '^@?[A-Za-z0-9_.-]+$'; }
_kinetics() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} cmd= pos=0 opts i word
  local -a scope=()
  # The command is the first word that is not an option or the value of --home / --db; pos counts the words after it.
  for ((i = 1; i < \${#COMP_WORDS[@]}; i++)); do
    word=\${COMP_WORDS[i]}
    case $word in
      --home|--db) scope+=("$word" "\${COMP_WORDS[i+1]}"); ((i++)); continue;;
    esac
    [ "$i" -ge "$COMP_CWORD" ] && continue
    case $word in
      -*) ;;
      *) if [ -z "$cmd" ]; then cmd=$word; else ((pos++)); fi;;
    esac
  done
  ((pos++))
  case $prev in
${valueCases}
    --split)
      case $cmd in
        ${SHARD_SPLIT_COMMANDS.join('|')}) COMPREPLY=($(compgen -W "${SHARD_SPLITS.join(' ')}" -- "$cur"));;
        *) COMPREPLY=($(compgen -W "${SPLITS.join(' ')}" -- "$cur"));;
      esac
      return;;
    --format)
      case $cmd in
${Object.entries(FORMATS).map(([command, values]) => `        ${command}) COMPREPLY=($(compgen -W "${values.join(' ')}" -- "$cur"));;`).join('\n')}
      esac
      return;;
    ${FOLDER_OPTIONS.map((name) => `--${name}`).join('|')}) COMPREPLY=($(compgen -d -- "$cur")); return;;
    ${FILE_OPTIONS.map((name) => `--${name}`).join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return;;
  esac
  if [ -z "$cmd" ]; then
    COMPREPLY=($(compgen -W "${model.commands.map((command) => command.name).join(' ')} help" -- "$cur")); return
  fi
  case $cmd in
${optionCases}
  esac
  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur")); return; fi
  case $cmd in
    ${TAKES_SUBSET.join('|')}) [ "$pos" -eq 1 ] && COMPREPLY=($(compgen -W "$(_kinetics_words subset list)" -- "$cur"));;
    subset)
      if [ "$pos" -eq 1 ]; then COMPREPLY=($(compgen -W "${SUBSET_ACTIONS.join(' ')}" -- "$cur"))
      elif [ "$pos" -eq 2 ] && [ "$prev" != create ]; then COMPREPLY=($(compgen -W "$(_kinetics_words subset list)" -- "$cur")); fi;;
    shards) [ "$pos" -eq 1 ] && COMPREPLY=($(compgen -W "${SHARDS_ACTIONS.join(' ')}" -- "$cur"));;
    query) [[ $cur == @* ]] && COMPREPLY=($(compgen -W "$(_kinetics_words query --list)" -- "$cur"));;
    help) [ "$pos" -eq 1 ] && COMPREPLY=($(compgen -W "${model.commands.map((command) => command.name).join(' ')}" -- "$cur"));;
  esac
}
complete -o default -F _kinetics kinetics
`;
}

function zsh(model: CompletionModel): string {
  return `# kinetics completion for zsh: add to ~/.zshrc
#   eval "$(kinetics completion zsh)"
autoload -U +X bashcompinit && bashcompinit
${bash(model).split('\n').slice(2).join('\n')}`;
}

function fish(model: CompletionModel): string {
  // fish reads \\ and \' inside single quotes, nothing else.
  const quote = (text: string) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
  const lines = [
    '# kinetics completion for fish: kinetics completion fish > ~/.config/fish/completions/kinetics.fish',
    'complete -c kinetics -f',
    ...model.commands.map((command) => `complete -c kinetics -n __fish_use_subcommand -a ${command.name} -d ${quote(command.summary)}`),
  ];
  for (const command of model.commands) {
    for (const [name, spec] of Object.entries({ ...command.options, ...model.globals })) {
      const values = name === 'format' ? FORMATS[command.name] : name === 'split' && SHARD_SPLIT_COMMANDS.includes(command.name) ? SHARD_SPLITS : VALUES[name];
      const takes = values && values.length > 0 ? ` -x -a ${quote(values.join(' '))}` : FOLDER_OPTIONS.includes(name) || FILE_OPTIONS.includes(name) ? ' -r -F' : spec.type === 'string' ? ' -x' : '';
      lines.push(`complete -c kinetics -n '__fish_seen_subcommand_from ${command.name}' -l ${name}${spec.short ? ` -s ${spec.short}` : ''}${takes} -d ${quote(spec.description)}`);
    }
  }
  lines.push(`complete -c kinetics -n '__fish_seen_subcommand_from ${TAKES_SUBSET.join(' ')}' -a '(kinetics subset list --tsv 2>/dev/null | tail -n +2 | cut -f1 | grep -E "^[A-Za-z0-9_.-]+\$")'`);
  lines.push(`complete -c kinetics -n '__fish_seen_subcommand_from subset' -a '${SUBSET_ACTIONS.join(' ')}'`);
  return `${lines.join('\n')}\n`;
}

export function completionScript(shell: Shell, model: CompletionModel): string {
  return { bash, zsh, fish }[shell](model);
}
