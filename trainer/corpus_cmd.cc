#include <iostream>

#include "trainer/commands.h"

namespace bioner::trainer {

// Placeholder until the command lands; exits non-zero so nothing mistakes it for output.
int RunCorpus(int, char**) {
  std::cerr << "bioner-trainer corpus: not implemented yet\n";
  return 2;
}

}  // namespace bioner::trainer
