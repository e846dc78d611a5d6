#include <iostream>

#include "trainer/commands.h"

namespace bioner::trainer {

// Placeholder until the command lands; exits non-zero so nothing mistakes it for output.
int RunEval(int, char**) {
  std::cerr << "bioner-trainer eval: not implemented yet\n";
  return 2;
}

}  // namespace bioner::trainer
