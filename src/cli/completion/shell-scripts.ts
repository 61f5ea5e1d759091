// The bash, zsh and fish scripts `kube-fresh completion SHELL` prints. Each one asks the program
// itself (`kube-fresh __complete WORDS… PARTIAL`) and reads the same protocol kubectl reads from
// `kubectl_complete-fresh`, so the three shells and kubectl always offer the same candidates.

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** The completion script for one shell, for a program installed as `command`. */
export function completionScript(shell: Shell, command: string): string {
  const fn = `_${command.replace(/[^A-Za-z0-9]/g, '_')}`;
  switch (shell) {
    case 'bash':
      return bashScript(command, fn);
    case 'zsh':
      return zshScript(command, fn);
    case 'fish':
      return fishScript(command);
  }
}

function bashScript(command: string, fn: string): string {
  return `# bash completion for ${command}; load with: source <(${command} completion bash)
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" out directive line
  out="$(${command} __complete "\${COMP_WORDS[@]:1:COMP_CWORD-1}" "$cur" 2>/dev/null)" || return
  directive="\${out##*:}"
  COMPREPLY=()
  while IFS= read -r line; do
    [[ -z $line || $line == :* ]] && continue
    COMPREPLY+=("\${line%%$'\\t'*}")
  done <<<"$out"
  if (( \${#COMPREPLY[@]} == 0 && (directive & 4) == 0 )); then
    compopt -o default 2>/dev/null
  fi
}
complete -o nosort -F ${fn} ${command} 2>/dev/null || complete -F ${fn} ${command}
`;
}

function zshScript(command: string, fn: string): string {
  return `#compdef ${command}
# zsh completion for ${command}; load with: source <(${command} completion zsh)
${fn}() {
  local -a words_before candidates
  local out directive line
  words_before=("\${(@)words[2,CURRENT-1]}")
  out="$(${command} __complete "\${words_before[@]}" "\${words[CURRENT]}" 2>/dev/null)" || return 1
  directive="\${\${(f)out}[-1]#:}"
  for line in "\${(@f)out}"; do
    [[ -z $line || $line == :* ]] && continue
    candidates+=("\${line//:/\\\\:}")
  done
  candidates=("\${(@)candidates//$'\\t'/:}")
  if (( \${#candidates} > 0 )); then
    _describe -t values '${command}' candidates
  elif (( (directive & 4) == 0 )); then
    _files
  fi
}
compdef ${fn} ${command}
`;
}

function fishScript(command: string): string {
  return `# fish completion for ${command}; load with: ${command} completion fish | source
function __${command.replace(/[^A-Za-z0-9]/g, '_')}_complete
    set -l words (commandline -opc)
    ${command} __complete $words[2..-1] (commandline -ct) 2>/dev/null | string match -v -r '^:'
end
complete -c ${command} -f -a '(__${command.replace(/[^A-Za-z0-9]/g, '_')}_complete)'
`;
}
