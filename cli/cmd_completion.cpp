// SPDX-License-Identifier: Apache-2.0
// `kopt completion bash`: a bash completion script written from the command line kopt builds
// (commands.cpp and each command's options), so it never falls behind a new flag. `cmake
// --install` installs its output as share/bash-completion/completions/kopt.
#include "cli/command.h"
#include "cli/print.h"

#include <string>

namespace kopt::cli {
namespace {

// "--db --config --version --help" for an app: its long option names, and its commands'.
std::string Words(const CLI::App& app, bool with_commands) {
  std::string words;
  for (const CLI::Option* option : app.get_options()) {
    for (const std::string& name : option->get_lnames()) words += " --" + name;
  }
  if (with_commands) {
    for (const CLI::App* sub : app.get_subcommands({})) {
      if (!sub->get_group().empty()) words += " " + sub->get_name();
    }
  }
  return words.empty() ? words : words.substr(1);
}

std::string BashScript(const CLI::App& root) {
  std::string cases;
  for (const CLI::App* sub : root.get_subcommands({})) {
    if (sub->get_group().empty()) continue;  // internal commands
    cases += "    " + sub->get_name() + ") words=\"" + Words(*sub, true) + "\" ;;\n";
  }
  return "# bash completion for kopt, written by `kopt completion bash`\n"
         "_kopt() {\n"
         "  local cur=${COMP_WORDS[COMP_CWORD]} command=\"\" words i\n"
         "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
         "    case ${COMP_WORDS[i]} in\n"
         "      --db | --config) ((i++)) ;;\n"
         "      -*) ;;\n"
         "      *) command=${COMP_WORDS[i]}; break ;;\n"
         "    esac\n"
         "  done\n"
         "  case $command in\n" +
         cases + "    *) words=\"" + Words(root, true) +
         "\" ;;\n"
         "  esac\n"
         "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
         "}\n"
         "complete -o default -F _kopt kopt\n";
}

}  // namespace

CommandRunner SetupCompletion(CLI::App* cmd, GlobalOptions&) {
  auto shell = std::make_shared<std::string>("bash");
  cmd->add_option("shell", *shell, "The shell (bash)")->check(CLI::IsMember({"bash"}));
  return [cmd, shell] {  // the option writes into *shell: it lives as long as this
    Print("%s", BashScript(*cmd->get_parent()).c_str());
    return kExitOk;
  };
}

}  // namespace kopt::cli
