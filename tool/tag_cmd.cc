#include <iostream>

#include "tool/commands.h"

namespace bioner::tool {

// Placeholder until the command lands; exits non-zero so nothing mistakes it for output.
int RunTag(int, char**) {
  std::cerr << "bioner-tool tag: not implemented yet\n";
  return 2;
}

}  // namespace bioner::tool
