# Warnings are errors in every preset. Third-party headers come in as SYSTEM, so only our code is held to this.
add_compile_options(-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
                    -Wunused -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough -Werror)
# Boost 1.74's Asio uses std::exchange without including <utility> under g++ 12 in C++20 mode.
add_compile_options(-include utility)
