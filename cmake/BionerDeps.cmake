# Locates the Debian 12 packages bioner builds against (see scripts/install-deps.sh).
# Torch's imported target carries its own compile flags (-D_GLIBCXX_USE_CXX11_ABI=1), so only
# targets that link it see them; the model and train layers link it privately.
find_package(Threads REQUIRED)
find_package(Torch REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(ICU REQUIRED COMPONENTS uc i18n)
find_package(ZLIB REQUIRED)
find_package(pugixml REQUIRED)
find_package(LibArchive REQUIRED)
find_package(CURL REQUIRED)
find_package(OpenSSL REQUIRED)
# The server (proto/, server/): gRPC with protobuf, yaml-cpp for its config, prometheus-cpp.
find_package(Protobuf REQUIRED)
find_package(gRPC CONFIG REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(prometheus-cpp CONFIG REQUIRED)
# fastText (Debian's libfasttext-dev), for `bioner-trainer embed` only: the library
# bioner::embed (core/train/embed.cc) links it, nothing else does.
find_path(FASTTEXT_INCLUDE_DIR fasttext/fasttext.h)
find_library(FASTTEXT_LIBRARY fasttext)
if(NOT FASTTEXT_INCLUDE_DIR OR NOT FASTTEXT_LIBRARY)
  message(FATAL_ERROR "fastText not found (fasttext/fasttext.h, libfasttext): install libfasttext-dev")
endif()
add_library(FastText::fasttext UNKNOWN IMPORTED)
set_target_properties(FastText::fasttext PROPERTIES
  IMPORTED_LOCATION "${FASTTEXT_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${FASTTEXT_INCLUDE_DIR}")
