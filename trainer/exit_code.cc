#include "trainer/exit_code.h"

#include <iostream>

namespace bioner::trainer {

int FailCommand(const std::string& command, const Status& s) {
  if (s.code() == StatusCode::kCancelled) return 0;  // --help printed the usage
  std::cerr << "bioner-trainer " << command << ": " << s.ToString() << "\n";
  return s.code() == StatusCode::kInvalidArgument || s.code() == StatusCode::kNotFound ? 2 : 1;
}

}  // namespace bioner::trainer
