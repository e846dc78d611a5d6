// Subcommands of bioner-trainer. Each returns the process exit code; argv[0] is the
// subcommand name (for `corpus`, argv[1] is its action: fetch, list, stats, export).
#ifndef BIONER_TRAINER_COMMANDS_H_
#define BIONER_TRAINER_COMMANDS_H_

namespace bioner::trainer {

int RunCorpus(int argc, char** argv);
int RunEval(int argc, char** argv);
int RunReport(int argc, char** argv);
int RunTrain(int argc, char** argv);
int RunTune(int argc, char** argv);
int RunPromote(int argc, char** argv);
int RunServe(int argc, char** argv);
int RunVocab(int argc, char** argv);
int RunPretrain(int argc, char** argv);
int RunEmbed(int argc, char** argv);

}  // namespace bioner::trainer

#endif  // BIONER_TRAINER_COMMANDS_H_
