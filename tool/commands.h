// Subcommands of bioner-tool, the developer tool for parity checks (docs/TOOL.md). Each
// returns the process exit code; argv[0] is the subcommand name.
#ifndef BIONER_TOOL_COMMANDS_H_
#define BIONER_TOOL_COMMANDS_H_

namespace bioner::tool {

int RunTokenize(int argc, char** argv);
int RunLogits(int argc, char** argv);
int RunTag(int argc, char** argv);
int RunShow(int argc, char** argv);
int RunInitModel(int argc, char** argv);
int RunImport(int argc, char** argv);

}  // namespace bioner::tool

#endif  // BIONER_TOOL_COMMANDS_H_
