#include "common/render/shell_quote.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Every expected string below is what CPython 3.11's shlex.quote returns.

namespace vhtask::common {
namespace {

using Cases = std::vector<std::pair<std::string_view, std::string_view>>;

void expect_all(const Cases& cases) {
  for (const auto& [word, want] : cases) {
    EXPECT_EQ(render::shell_quote(word), want) << "word: [" << word << "]";
  }
}

// An empty word must still be one word.
TEST(ShellQuote, EmptyBecomesTwoQuotes) {
  expect_all({
      {"", "''"},
  });
}

// ASCII letters, digits and _@%+=:,./- need no quoting.
TEST(ShellQuote, SafeWordsStayAsTheyAre) {
  expect_all({
      {"abc", "abc"},
      {"ABC", "ABC"},
      {"0123456789", "0123456789"},
      {"a_b", "a_b"},
      {"user@host", "user@host"},
      {"50%", "50%"},
      {"a+b", "a+b"},
      {"--lr=0.001", "--lr=0.001"},
      {"key:value", "key:value"},
      {"a,b,c", "a,b,c"},
      {"./data/train.csv", "./data/train.csv"},
      {"-x", "-x"},
      {"/abs/path", "/abs/path"},
      {"_@%+=:,./-", "_@%+=:,./-"},
  });
}

// One unsafe character anywhere puts the whole word in single quotes.
TEST(ShellQuote, EachUnsafeCharacterQuotesTheWord) {
  expect_all({
      {"a b", "'a b'"},   {"\"x\"", "'\"x\"'"}, {"$HOME", "'$HOME'"},   {"`id`", "'`id`'"},
      {"a\\b", "'a\\b'"}, {"*.csv", "'*.csv'"}, {"a?", "'a?'"},         {"hi!", "'hi!'"},
      {"a;b", "'a;b'"},   {"a&b", "'a&b'"},     {"a|b", "'a|b'"},       {"<in", "'<in'"},
      {"out>", "'out>'"}, {"~", "'~'"},         {"~/x", "'~/x'"},       {"#tag", "'#tag'"},
      {"a\nb", "'a\nb'"}, {"a\tb", "'a\tb'"},   {"(x)", "'(x)'"},       {"{v}", "'{v}'"},
      {"[0]", "'[0]'"},   {"^", "'^'"},         {"a'b", "'a'\"'\"'b'"},
  });
}

// Python uses \w with re.ASCII: accented letters and other scripts are quoted.
TEST(ShellQuote, NonAsciiIsUnsafe) {
  expect_all({
      {"héllo", "'héllo'"},
      {"naïve", "'naïve'"},
      {"日本", "'日本'"},
      {"ß", "'ß'"},
      {" ", "' '"},
  });
}

// Each ' closes the quoting, is written as "'", and reopens it.
TEST(ShellQuote, SingleQuotesAreWrittenAsQuoteDoubleQuoteQuote) {
  expect_all({
      {"'", "''\"'\"''"},
      {"''", "''\"'\"''\"'\"''"},
      {"it's", "'it'\"'\"'s'"},
      {"don't 'quote' me", "'don'\"'\"'t '\"'\"'quote'\"'\"' me'"},
      {"'$x'", "''\"'\"'$x'\"'\"''"},
      {"a'b'c'd", "'a'\"'\"'b'\"'\"'c'\"'\"'d'"},
  });
}

// Spec 2.3: the whole --name=value word is one word.
TEST(ShellQuote, WholeNameValueWordIsQuotedAsOne) {
  expect_all({
      {"--label=a b", "'--label=a b'"},
      {"--msg=it's", "'--msg=it'\"'\"'s'"},
      {"--path=/tmp/x y/z", "'--path=/tmp/x y/z'"},
  });
}

// Every ASCII byte on its own: exactly the safe set is left alone.
TEST(ShellQuote, EveryAsciiCharacterAlone) {
  const std::string_view safe =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-";
  for (int i = 1; i < 128; ++i) {
    const std::string word(1, static_cast<char>(i));
    const bool is_safe = safe.find(word[0]) != std::string_view::npos;
    const std::string want = is_safe ? word : word == "'" ? "''\"'\"''" : "'" + word + "'";
    EXPECT_EQ(render::shell_quote(word), want) << "character " << i;
  }
}

}  // namespace
}  // namespace vhtask::common
