#include <iostream>

#include "tool/commands.h"

namespace bioner::tool {

// Placeholder until the command lands; exits non-zero so nothing mistakes it for output.
int RunLogits(int, char**) {
  std::cerr << "bioner-tool logits: not implemented yet\n";
  return 2;
}

}  // namespace bioner::tool
