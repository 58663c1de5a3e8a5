// The installed man pages: they render without a single groff warning, and they document every
// subcommand and option the installed binaries' --help lists, so the pages cannot drift from the
// code (a new option without its man page entry fails here).

#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

namespace vhtask::test {
namespace {

namespace fs = std::filesystem;

fs::path man_page(const std::string& name) {
  return fs::path(client_binary()).parent_path().parent_path() / "share/man/man1" / (name + ".1");
}

// The page's source with roff's escaped hyphens ("\-") as plain ones, for searching.
std::string page_text(const std::string& name) {
  std::string text = read_file(man_page(name).string());
  return std::regex_replace(text, std::regex(R"(\\-)"), "-");
}

// The subcommand names CLI11 lists under "Subcommands:" in `vhtask --help`.
std::vector<std::string> subcommands(const std::string& help) {
  std::vector<std::string> names;
  std::istringstream in(help);
  bool in_list = false;
  for (std::string line; std::getline(in, line);) {
    if (line == "Subcommands:" || line == "SUBCOMMANDS:") {
      in_list = true;
      continue;
    }
    std::smatch m;
    if (in_list && std::regex_search(line, m, std::regex(R"(^  ([a-z][a-z-]*)\b)"))) {
      names.push_back(m[1]);
    } else if (in_list && !line.empty() && line[0] != ' ') {
      in_list = false;
    }
  }
  return names;
}

// Every option spelling in a --help text: "--long" and "-s".
std::set<std::string> options(const std::string& help) {
  std::set<std::string> found;
  const std::regex option(R"((^|[\s,])(--?[a-zA-Z][a-zA-Z-]*))");
  std::istringstream in(help);
  for (std::string line; std::getline(in, line);) {
    // Only the option column: CLI11 indents option lines by two spaces and starts them with '-'.
    if (line.rfind("  -", 0) != 0) {
      continue;
    }
    const std::string column = line.substr(0, line.find("  ", 2));
    for (std::sregex_iterator it(column.begin(), column.end(), option), end; it != end; ++it) {
      found.insert((*it)[2]);
    }
  }
  return found;
}

TEST(ManPages, RenderWithoutWarnings) {
  for (const std::string name : {"vhtask", "vhtaskd"}) {
    ASSERT_TRUE(fs::exists(man_page(name))) << man_page(name);
    const auto r = run_process({"groff", "-man", "-ww", "-z", man_page(name).string()});
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
    EXPECT_EQ(r.err, "") << name;
    // man itself formats it (man-db's `man -l`), with the NAME line first.
    RunOptions plain;
    plain.env = {{"MANPAGER", "cat"}, {"MANWIDTH", "80"}};
    const auto shown = run_process({"man", "-l", man_page(name).string()}, plain);
    EXPECT_EQ(shown.exit_code, 0) << shown.err;
    EXPECT_NE(shown.out.find(name + " - "), std::string::npos) << shown.out.substr(0, 400);
  }
}

TEST(ManPages, VhtaskPageDocumentsEverySubcommandAndOption) {
  const std::string page = page_text("vhtask");
  const auto help = run_process({client_binary(), "--help"});
  ASSERT_EQ(help.exit_code, 0) << help.err;
  const auto names = subcommands(help.out);
  ASSERT_GE(names.size(), 10u) << "could not read the subcommands from:\n" << help.out;
  for (const auto& option : options(help.out)) {
    EXPECT_NE(page.find(option), std::string::npos) << "vhtask.1 lacks the global " << option;
  }
  for (const auto& name : names) {
    // The subcommand's own section: from its .SS heading to the next heading.
    std::smatch heading;
    const bool has_section =
        std::regex_search(page, heading, std::regex("\n\\.SS \"?" + name + "\\b"));
    ASSERT_TRUE(has_section) << "vhtask.1 has no .SS section for " << name;
    const std::string rest = heading.suffix().str();
    const std::string section = rest.substr(0, rest.find("\n.S"));
    const auto sub = run_process({client_binary(), name, "--help"});
    ASSERT_EQ(sub.exit_code, 0) << name << ": " << sub.err;
    const auto sub_options = options(sub.out);
    EXPECT_TRUE(sub_options.count("--help")) << "no options read from:\n" << sub.out;
    for (const auto& option : sub_options) {
      if (option == "-h" || option == "--help") {
        continue;  // documented once, under GLOBAL OPTIONS
      }
      EXPECT_NE(section.find(option), std::string::npos)
          << "vhtask.1's section for " << name << " lacks " << option;
    }
  }
}

TEST(ManPages, VhtaskdPageDocumentsEveryOption) {
  const std::string page = page_text("vhtaskd");
  const auto help = run_process({daemon_binary(), "--help"});
  ASSERT_EQ(help.exit_code, 0) << help.err;
  const auto found = options(help.out);
  ASSERT_GE(found.size(), 8u) << "could not read the options from:\n" << help.out;
  for (const auto& option : found) {
    EXPECT_NE(page.find(option), std::string::npos) << "vhtaskd.1 lacks " << option;
  }
}

}  // namespace
}  // namespace vhtask::test
