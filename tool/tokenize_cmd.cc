#include <iostream>

#include "tool/commands.h"

namespace bioner::tool {

// Placeholder until the command lands; exits non-zero so nothing mistakes it for output.
int RunTokenize(int, char**) {
  std::cerr << "bioner-tool tokenize: not implemented yet\n";
  return 2;
}

}  // namespace bioner::tool
