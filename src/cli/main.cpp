#include <fixturegen/cli/app.hpp>

int main(int argc, char** argv) { return fixturegen::cli::run(argc, argv); }
