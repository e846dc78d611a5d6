#include "core/util/status.h"

#include <gtest/gtest.h>

namespace bioner {
namespace {

StatusOr<int> Half(int x) {
  if (x % 2) return InvalidArgument("odd: " + std::to_string(x));
  return x / 2;
}

Status Quarter(int x, int* out) {
  ASSIGN_OR_RETURN(int h, Half(x));
  ASSIGN_OR_RETURN(*out, Half(h));
  return Status::Ok();
}

TEST(Status, CarriesCodeAndMessage) {
  Status s = NotFound("model/config.json: cannot open");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.ToString(), "NOT_FOUND: model/config.json: cannot open");
  EXPECT_EQ(s.WithContext("load").message(), "load: model/config.json: cannot open");
  EXPECT_TRUE(Status::Ok().WithContext("x").ok());
}

TEST(Status, MacrosPropagate) {
  int q = 0;
  EXPECT_TRUE(Quarter(8, &q).ok());
  EXPECT_EQ(q, 2);
  Status s = Quarter(6, &q);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "odd: 3");
}

}  // namespace
}  // namespace bioner
