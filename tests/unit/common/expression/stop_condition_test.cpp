#include "common/expression/stop_condition.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vhtask::common {
namespace {

using Values = std::map<std::string, Value, std::less<>>;

// A lookup over two maps that also records what was asked for.
struct Fake {
  Values metadata;
  Values parameters;
  std::vector<std::string> asked;

  expression::ConditionLookup lookup() {
    return
        [this](expression::ConditionSource source, std::string_view name) -> std::optional<Value> {
          asked.push_back(
              (source == expression::ConditionSource::metadata ? "metadata." : "parameter.") +
              std::string(name));
          const Values& values =
              source == expression::ConditionSource::metadata ? metadata : parameters;
          const auto it = values.find(name);
          return it == values.end() ? std::nullopt : std::optional<Value>(it->second);
        };
  }
};

// Parses (must succeed) and evaluates against the metadata `m`.
bool eval(std::string_view text, Values m = {}, Values p = {}) {
  const auto parsed = expression::StopCondition::parse(text);
  EXPECT_TRUE(parsed) << text << ": " << (parsed ? "" : parsed.error().message);
  if (!parsed) {
    return false;
  }
  Fake fake{std::move(m), std::move(p), {}};
  return parsed->evaluate(fake.lookup());
}

// Parses (must fail) and returns the message.
std::string error_of(std::string_view text) {
  const auto parsed = expression::StopCondition::parse(text);
  EXPECT_FALSE(parsed) << text;
  return parsed ? std::string("<parsed>") : parsed.error().message;
}

TEST(StopCondition, IssueExample) {
  EXPECT_TRUE(eval("metadata.loss < 0.1", {{"loss", 0.05}}));
  EXPECT_FALSE(eval("metadata.loss < 0.1", {{"loss", 0.1}}));
  EXPECT_FALSE(eval("metadata.loss < 0.1", {{"loss", 2}}));
  EXPECT_FALSE(eval("metadata.loss < 0.1", {}));
}

TEST(StopCondition, KeepsTextAndListsReferencesDeduplicatedInOrder) {
  const auto c = expression::StopCondition::parse(
                     " metadata.b > 1 or parameter.lr == 2 and metadata.a and metadata.b "
                     "or parameter['lr'] or metadata[\"top 1\"]")
                     .value();
  EXPECT_EQ(c.text(),
            " metadata.b > 1 or parameter.lr == 2 and metadata.a and metadata.b "
            "or parameter['lr'] or metadata[\"top 1\"]");
  EXPECT_EQ(c.metadata_keys(), (std::vector<std::string>{"b", "a", "top 1"}));
  EXPECT_EQ(c.parameter_names(), (std::vector<std::string>{"lr"}));
  const auto literal_only = expression::StopCondition::parse("1 < 2").value();
  EXPECT_TRUE(literal_only.metadata_keys().empty());
  EXPECT_TRUE(literal_only.parameter_names().empty());
}

TEST(StopCondition, KeySpellings) {
  const auto c = expression::StopCondition::parse(
                     "metadata.train/acc and metadata.top-1 and metadata.a.b and metadata.val_loss2"
                     " and metadata[ 'top 1' ] and metadata[\"q\\\"uote\"] and metadata['ü']")
                     .value();
  EXPECT_EQ(c.metadata_keys(), (std::vector<std::string>{"train/acc", "top-1", "a.b", "val_loss2",
                                                         "top 1", "q\"uote", "ü"}));
  // A key may start with a digit and is ended by an operator without spaces.
  EXPECT_TRUE(eval("metadata.1st<=3", {{"1st", 3}}));
  EXPECT_TRUE(eval("parameter.lr==0.5", {}, {{"lr", 0.5}}));
  EXPECT_FALSE(eval("parameter.lr==0.5", {{"lr", 0.5}}, {}));  // sources are separate
}

TEST(StopCondition, Precedence) {
  // not a or b and c == (not a) or (b and c)
  EXPECT_TRUE(eval("not metadata.a or metadata.b and metadata.c", {{"a", false}}));
  EXPECT_FALSE(eval("not metadata.a or metadata.b and metadata.c", {{"a", true}, {"b", true}}));
  EXPECT_TRUE(
      eval("not metadata.a or metadata.b and metadata.c", {{"a", true}, {"b", true}, {"c", 1}}));
  // and binds tighter than or: true or false and false == true
  EXPECT_TRUE(eval("true or false and false"));
  EXPECT_FALSE(eval("(true or false) and false"));
  // not binds looser than a comparison: not 1 == 2 == not (1 == 2)
  EXPECT_TRUE(eval("not 1 == 2"));
  EXPECT_FALSE(eval("not not 1 == 2"));
  EXPECT_TRUE(eval("not not not false"));
  // a parenthesized condition is a bool operand
  EXPECT_TRUE(eval("(1 < 2) == true"));
  EXPECT_TRUE(eval("(1 < 2) == 1"));
  EXPECT_TRUE(eval("(1 > 2) == False"));
  EXPECT_TRUE(eval("(((metadata.a)))", {{"a", "x"}}));
}

TEST(StopCondition, IntegerOperators) {
  EXPECT_TRUE(eval("1 < 2"));
  EXPECT_FALSE(eval("2 < 2"));
  EXPECT_TRUE(eval("2 <= 2"));
  EXPECT_FALSE(eval("3 <= 2"));
  EXPECT_TRUE(eval("3 > 2"));
  EXPECT_FALSE(eval("2 > 2"));
  EXPECT_TRUE(eval("2 >= 2"));
  EXPECT_FALSE(eval("1 >= 2"));
  EXPECT_TRUE(eval("2 == 2"));
  EXPECT_FALSE(eval("2 == 3"));
  EXPECT_TRUE(eval("2 != 3"));
  EXPECT_FALSE(eval("2 != 2"));
  EXPECT_TRUE(eval("-5 < +3"));
  EXPECT_TRUE(eval("metadata.n == -9223372036854775807", {{"n", INT64_MIN + 1}}));
  EXPECT_TRUE(eval("metadata.n > 9223372036854775806", {{"n", INT64_MAX}}));
}

TEST(StopCondition, FloatOperators) {
  EXPECT_TRUE(eval("0.5 < .6"));
  EXPECT_FALSE(eval("0.5 < 0.5"));
  EXPECT_TRUE(eval("0.5 <= 5e-1"));
  EXPECT_TRUE(eval("1.5E+1 > 14.9"));
  EXPECT_TRUE(eval("1. >= 1"));
  EXPECT_TRUE(eval("-.5 == -0.5"));
  EXPECT_TRUE(eval("0.1 != 0.2"));
  EXPECT_FALSE(eval("0.0 != -0.0"));
  EXPECT_TRUE(eval("1e999 > 1e308"));  // overflows to inf
}

TEST(StopCondition, MixedNumbersCompareExactly) {
  EXPECT_TRUE(eval("1 == 1.0"));
  EXPECT_TRUE(eval("1 < 1.5"));
  EXPECT_TRUE(eval("2 > 1.5"));
  EXPECT_TRUE(eval("-1 > -1.5"));
  EXPECT_TRUE(eval("-2 < -1.5"));
  // 2^53 + 1 is not a double; Python says 9007199254740993 > 9007199254740992.0.
  EXPECT_TRUE(eval("9007199254740993 > 9007199254740992.0"));
  EXPECT_FALSE(eval("9007199254740993 == 9007199254740992.0"));
  EXPECT_TRUE(eval("metadata.n < 9223372036854775808.0", {{"n", INT64_MAX}}));
  EXPECT_TRUE(eval("metadata.n > -1e30", {{"n", INT64_MIN}}));
  EXPECT_TRUE(eval("metadata.n == -9223372036854775808.0", {{"n", INT64_MIN}}));
  // An integer literal beyond 64 bits is a float.
  EXPECT_TRUE(eval("99999999999999999999 > metadata.n", {{"n", INT64_MAX}}));
  // Bools are 0/1.
  EXPECT_TRUE(eval("true == 1"));
  EXPECT_TRUE(eval("True == 1.0"));
  EXPECT_TRUE(eval("false < 0.5"));
  EXPECT_TRUE(eval("True > False"));
  EXPECT_TRUE(eval("metadata.done >= 1", {{"done", true}}));
}

TEST(StopCondition, StringOperators) {
  EXPECT_TRUE(eval("'abc' < 'abd'"));
  EXPECT_TRUE(eval("'ab' < 'abc'"));
  EXPECT_FALSE(eval("'b' < 'abc'"));
  EXPECT_TRUE(eval("'B' < 'a'"));  // bytes: uppercase first
  EXPECT_TRUE(eval("'z' < 'ü'"));  // bytes: UTF-8 above ASCII
  EXPECT_TRUE(eval("\"x\" <= 'x'"));
  EXPECT_TRUE(eval("'y' > 'x'"));
  EXPECT_TRUE(eval("'x' >= 'x'"));
  EXPECT_TRUE(eval("metadata.phase == 'done'", {{"phase", "done"}}));
  EXPECT_TRUE(eval("metadata.phase != \"done\"", {{"phase", "train"}}));
  EXPECT_TRUE(eval("'it\\'s' == \"it's\""));
  EXPECT_TRUE(eval("'a\\\\b' == metadata.s", {{"s", "a\\b"}}));
  EXPECT_TRUE(eval("'\\\"\\n\\t' == metadata.s", {{"s", "\"\n\t"}}));
  EXPECT_TRUE(eval("'' < 'a'"));
}

TEST(StopCondition, AcrossTypesFollowsPython) {
  EXPECT_FALSE(eval("'1' == 1"));
  EXPECT_TRUE(eval("'1' != 1"));
  EXPECT_FALSE(eval("'1' < 2"));
  EXPECT_FALSE(eval("'1' > 2"));
  EXPECT_FALSE(eval("'1' <= 2"));
  EXPECT_FALSE(eval("2 >= '1'"));
  EXPECT_TRUE(eval("null == None"));
  EXPECT_FALSE(eval("null == 0"));
  EXPECT_TRUE(eval("null != false"));
  EXPECT_FALSE(eval("null < 1"));
  EXPECT_FALSE(eval("null <= null"));
  EXPECT_TRUE(eval("metadata.x == null", {{"x", Null{}}}));
  EXPECT_TRUE(
      eval("metadata.l == metadata.m", {{"l", ValueList{1, "a"}}, {"m", ValueList{1.0, "a"}}}));
  EXPECT_TRUE(eval("metadata.l != metadata.m", {{"l", ValueList{1}}, {"m", ValueList{2}}}));
  EXPECT_FALSE(eval("metadata.l <= metadata.l", {{"l", ValueList{1}}}));
  EXPECT_FALSE(eval("metadata.l == 1", {{"l", ValueList{1}}}));
}

TEST(StopCondition, MissingValueMakesEveryComparisonFalse) {
  for (const char* op : {"<", "<=", ">", ">=", "==", "!="}) {
    const std::string left = std::string("metadata.gone ") + op + " 1";
    const std::string right = std::string("1 ") + op + " metadata.gone";
    const std::string both = std::string("metadata.gone ") + op + " parameter.gone";
    EXPECT_FALSE(eval(left, {{"other", 1}})) << left;
    EXPECT_FALSE(eval(right)) << right;
    EXPECT_FALSE(eval(both)) << both;
    EXPECT_TRUE(eval("not (" + left + ")")) << left;
  }
  EXPECT_FALSE(eval("metadata.gone == null"));
  EXPECT_FALSE(eval("metadata.gone"));
  EXPECT_TRUE(eval("not metadata.gone"));
  EXPECT_TRUE(eval("metadata.gone or metadata.here", {{"here", 1}}));
}

TEST(StopCondition, NanComparesFalseExceptNotEqual) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const char* op : {"<", "<=", ">", ">=", "=="}) {
    EXPECT_FALSE(eval(std::string("metadata.x ") + op + " 1", {{"x", nan}})) << op;
    EXPECT_FALSE(eval(std::string("1 ") + op + " metadata.x", {{"x", nan}})) << op;
    EXPECT_FALSE(eval(std::string("metadata.x ") + op + " 1.5", {{"x", nan}})) << op;
    EXPECT_FALSE(eval(std::string("metadata.x ") + op + " metadata.x", {{"x", nan}})) << op;
  }
  EXPECT_TRUE(eval("metadata.x != 1", {{"x", nan}}));
  EXPECT_TRUE(eval("metadata.x != metadata.x", {{"x", nan}}));
  EXPECT_TRUE(eval("metadata.x", {{"x", nan}}));  // bool(nan) is True in Python
}

TEST(StopCondition, BareOperandIsTruthTested) {
  EXPECT_TRUE(eval("metadata.x", {{"x", true}}));
  EXPECT_FALSE(eval("metadata.x", {{"x", false}}));
  EXPECT_TRUE(eval("metadata.x", {{"x", -1}}));
  EXPECT_FALSE(eval("metadata.x", {{"x", 0}}));
  EXPECT_TRUE(eval("metadata.x", {{"x", 0.1}}));
  EXPECT_FALSE(eval("metadata.x", {{"x", 0.0}}));
  EXPECT_FALSE(eval("metadata.x", {{"x", -0.0}}));
  EXPECT_TRUE(eval("metadata.x", {{"x", "no"}}));  // any non-empty string
  EXPECT_FALSE(eval("metadata.x", {{"x", ""}}));
  EXPECT_TRUE(eval("metadata.x", {{"x", ValueList{0}}}));
  EXPECT_FALSE(eval("metadata.x", {{"x", ValueList{}}}));
  EXPECT_FALSE(eval("metadata.x", {{"x", Null{}}}));
  EXPECT_TRUE(eval("parameter.debug", {}, {{"debug", true}}));
  EXPECT_TRUE(eval("1"));
  EXPECT_FALSE(eval("0"));
  EXPECT_TRUE(eval("'a'"));
  EXPECT_FALSE(eval("''"));
  EXPECT_FALSE(eval("None"));
  EXPECT_FALSE(eval("null"));
  EXPECT_TRUE(eval("True"));
  EXPECT_FALSE(eval("False"));
}

TEST(StopCondition, ShortCircuitsAndLooksUpOncePerReference) {
  const auto c =
      expression::StopCondition::parse("metadata.a or metadata.b and parameter.c < metadata.a")
          .value();
  Fake fake{{{"a", 1}}, {}, {}};
  EXPECT_TRUE(c.evaluate(fake.lookup()));
  EXPECT_EQ(fake.asked, (std::vector<std::string>{"metadata.a"}));
  Fake second{{{"a", 0}, {"b", 1}}, {{"c", -1}}, {}};
  EXPECT_TRUE(c.evaluate(second.lookup()));
  EXPECT_EQ(second.asked,
            (std::vector<std::string>{"metadata.a", "metadata.b", "parameter.c", "metadata.a"}));
  // An empty lookup is "nothing known".
  EXPECT_FALSE(c.evaluate(expression::ConditionLookup{}));
  EXPECT_TRUE(expression::StopCondition::parse("not metadata.a")
                  .value()
                  .evaluate(expression::ConditionLookup{}));
}

TEST(StopCondition, CopiesEvaluateTheSame) {
  auto parsed = expression::StopCondition::parse("metadata.loss < 0.5 and not parameter.skip");
  const expression::StopCondition copy = parsed.value();
  parsed = expression::StopCondition::parse("false");
  Fake fake{{{"loss", 0.25}}, {{"skip", false}}, {}};
  EXPECT_TRUE(copy.evaluate(fake.lookup()));
  EXPECT_EQ(copy.metadata_keys(), (std::vector<std::string>{"loss"}));
}

TEST(StopCondition, DefaultConstructedNeverHolds) {
  const expression::StopCondition none;
  Fake fake{{{"a", 1}}, {}, {}};
  EXPECT_FALSE(none.evaluate(fake.lookup()));
  EXPECT_TRUE(fake.asked.empty());
  EXPECT_EQ(none.text(), "");
  EXPECT_TRUE(none.metadata_keys().empty());
}

TEST(StopCondition, WhitespaceAnywhereBetweenTokens) {
  EXPECT_TRUE(eval("\t( metadata.a\n>=\r\n1 )  and(metadata.a<2)", {{"a", 1}}));
  EXPECT_TRUE(eval("not(metadata.a)", {{"a", 0}}));
}

TEST(StopCondition, ErrorsNameTheColumn) {
  EXPECT_EQ(error_of(""), "column 1: empty expression");
  EXPECT_EQ(error_of("   "), "column 1: empty expression");
  EXPECT_EQ(error_of("metadata.loss @ 1"), "column 15: unexpected character '@'");
  EXPECT_EQ(error_of("1 < 2 # x"), "column 7: unexpected character '#'");
  EXPECT_EQ(error_of("'ü' < €"), "column 7: unexpected character '€'");
  EXPECT_EQ(error_of(std::string("1 <\x01 2")), "column 4: unexpected character '\\x01'");
  EXPECT_EQ(error_of("metadata.s == 'abc"), "column 15: unterminated string");
  EXPECT_EQ(error_of("\"ab\\\""), "column 1: unterminated string");
  EXPECT_EQ(error_of("'ab\\"), "column 1: unterminated string");
  EXPECT_EQ(error_of("'a\\\x01'"),
            "column 3: unknown escape \\ and '\\x01' in string (known: \\\\ \\' \\\" \\n \\t)");
  EXPECT_EQ(error_of("'a\\qb'"),
            "column 3: unknown escape '\\q' in string (known: \\\\ \\' \\\" \\n \\t)");
  EXPECT_EQ(error_of("metadata.loss <"), "column 16: expected a value, found end of expression");
  EXPECT_EQ(error_of("metadata.loss < and"), "column 17: expected a value, found 'and'");
  EXPECT_EQ(error_of("< 1"), "column 1: expected a value, found '<'");
  EXPECT_EQ(error_of("metadata.a and"), "column 15: expected a value, found end of expression");
  EXPECT_EQ(error_of("not"), "column 4: expected a value, found end of expression");
  EXPECT_EQ(error_of("()"), "column 2: expected a value, found ')'");
  EXPECT_EQ(error_of("(metadata.a < 1"),
            "column 16: expected ')' to close the '(' at column 1, found end of expression");
  EXPECT_EQ(error_of("((1) 2)"), "column 6: expected ')' to close the '(' at column 1, found '2'");
  EXPECT_EQ(error_of("1 < 2)"), "column 6: unmatched ')'");
  EXPECT_EQ(error_of("metadata.a metadata.b"),
            "column 12: expected an operator, 'and', 'or' or end of expression, found "
            "'metadata.b'");
  EXPECT_EQ(error_of("1 < 2 3"),
            "column 7: expected an operator, 'and', 'or' or end of expression, found "
            "'3'");
  EXPECT_EQ(error_of("metadata.a or metrics['loss']"),
            "column 22: expected a name after 'metrics', found '['");
  EXPECT_EQ(error_of("loss. < 1"), "column 5: expected a name after 'loss', found '.'");
  EXPECT_EQ(error_of("f(1)"), "column 2: expected a name after 'f', found '('");
  EXPECT_EQ(error_of("loss < in"), "column 8: expected a value, found 'in'");
  EXPECT_EQ(error_of("1 +"), "column 4: expected a value, found end of expression");
  EXPECT_EQ(error_of("1 * * 2"), "column 5: expected a value, found '*'");
  EXPECT_EQ(error_of("2 ** 3"), "column 3: operator '**' is not supported (use + - * /)");
  EXPECT_EQ(error_of("7 // 2"), "column 3: operator '//' is not supported (use + - * /)");
  EXPECT_EQ(error_of("7 % 2"), "column 3: operator '%' is not supported (use + - * /)");
}

TEST(StopCondition, ErrorsForMalformedReferencesAndNumbers) {
  EXPECT_EQ(error_of("metadata < 1"),
            "column 9: expected '.KEY' or '[\"KEY\"]' after 'metadata', found ' '");
  EXPECT_EQ(error_of("parameter"),
            "column 10: expected '.NAME' or '[\"NAME\"]' after 'parameter', found end of "
            "expression");
  EXPECT_EQ(error_of("metadata. < 1"), "column 10: expected a KEY after 'metadata.', found ' '");
  EXPECT_EQ(error_of("metadata[loss]"),
            "column 10: expected a quoted KEY after 'metadata[', found 'l'");
  EXPECT_EQ(error_of("metadata['loss' < 1"), "column 17: expected ']', found '<'");
  EXPECT_EQ(error_of("metadata['loss"), "column 10: unterminated string");
  EXPECT_EQ(error_of("1abc > 0"), "column 1: invalid number '1abc'");
  EXPECT_EQ(error_of("0 < 1.2.3"), "column 5: invalid number '1.2.3'");
  EXPECT_EQ(error_of("1e < 2"), "column 1: invalid number '1e'");
  EXPECT_EQ(error_of("1e+ < 2"), "column 1: invalid number '1e+'");
  EXPECT_EQ(error_of("1_000 > 2"), "column 1: invalid number '1_000'");
}

TEST(StopCondition, MisspelledOperatorsGetAHint) {
  EXPECT_EQ(error_of("metadata.a = 1"), "column 12: use '==' to compare, found '='");
  EXPECT_EQ(error_of("!metadata.a"), "column 1: use 'not' to negate, found '!'");
  EXPECT_EQ(error_of("1 && 2"), "column 3: use 'and', found '&&'");
  EXPECT_EQ(error_of("1 || 2"), "column 3: use 'or', found '||'");
  EXPECT_EQ(error_of("1 & 2"), "column 3: unexpected character '&'");
  EXPECT_EQ(error_of("1 => 2"), "column 3: use '==' to compare, found '='");
  EXPECT_EQ(error_of("1 <> 2"), "column 4: expected a value, found '>'");
}

TEST(StopCondition, ColumnsCountCharactersNotBytes) {
  EXPECT_EQ(error_of("'ééé' == @"), "column 10: unexpected character '@'");
  EXPECT_EQ(error_of("metadata['日本'] < metrics["),
            "column 25: expected a name after 'metrics', found '['");
}

TEST(StopCondition, LongTokensAreShortenedInMessages) {
  const std::string key(100, 'k');
  EXPECT_EQ(error_of("1 < 2 metadata." + key),
            "column 7: expected an operator, 'and', 'or' or end of expression, found "
            "'metadata.kkkkkkkkkkkkkkkkkkkkk...'");
}

TEST(StopCondition, NestingUpToTheLimitParses) {
  const int depth = expression::StopCondition::max_depth;
  EXPECT_TRUE(eval(std::string(depth, '(') + "metadata.a" + std::string(depth, ')'), {{"a", 1}}));
  std::string nots;
  for (int i = 0; i < depth; ++i) {
    nots += "not ";
  }
  EXPECT_TRUE(eval(nots + "true"));  // an even number of nots
  std::string mixed;
  for (int i = 0; i < depth / 2; ++i) {
    mixed += "not (";
  }
  EXPECT_TRUE(eval(mixed + "1" + std::string(depth / 2, ')')));
}

TEST(StopCondition, NestingBeyondTheLimitFailsCleanly) {
  const int depth = expression::StopCondition::max_depth;
  EXPECT_EQ(error_of(std::string(depth + 1, '(') + "1" + std::string(depth + 1, ')')),
            "column 101: nesting deeper than 100 levels ('(' and 'not')");
  std::string nots;
  for (int i = 0; i <= depth; ++i) {
    nots += "not ";
  }
  EXPECT_EQ(error_of(nots + "true"), "column 401: nesting deeper than 100 levels ('(' and 'not')");
  // Far beyond: no stack overflow, same message at the 101st '('.
  EXPECT_EQ(error_of(std::string(4000, '(')),
            "column 101: nesting deeper than 100 levels ('(' and 'not')");
}

TEST(StopCondition, LengthLimit) {
  std::string text = "metadata.a";
  while (text.size() + 6 <= expression::StopCondition::max_length) {
    text += " or 1 ";
  }
  text += std::string(expression::StopCondition::max_length - text.size(), ' ');
  ASSERT_EQ(text.size(), expression::StopCondition::max_length);
  EXPECT_TRUE(eval(text, {{"a", 0}}));  // ~680 'or's: flat, not deep
  EXPECT_EQ(error_of(text + " "), "column 4097: expression longer than 4096 bytes");
  EXPECT_EQ(error_of(std::string(100000, '(')), "column 4097: expression longer than 4096 bytes");
}

TEST(StopCondition, LongAndChainEvaluatesEveryOperand) {
  std::string text = "metadata.k0 == 0";
  Values metadata{{"k0", 0}};
  for (int i = 1; i < 150; ++i) {
    text += " and metadata.k" + std::to_string(i) + " == " + std::to_string(i);
    metadata["k" + std::to_string(i)] = i;
  }
  const auto c = expression::StopCondition::parse(text).value();
  EXPECT_EQ(c.metadata_keys().size(), 150u);
  Fake all{metadata, {}, {}};
  EXPECT_TRUE(c.evaluate(all.lookup()));
  EXPECT_EQ(all.asked.size(), 150u);
  metadata["k149"] = 0;
  Fake last_wrong{metadata, {}, {}};
  EXPECT_FALSE(c.evaluate(last_wrong.lookup()));
}

// Issue 16: the reference's expression language (leval, Python syntax).
TEST(StopCondition, BareNamesAreMetadataKeys) {
  EXPECT_TRUE(eval("loss < 0.1", {{"loss", 0.05}}));
  EXPECT_FALSE(eval("loss < 0.1", {{"loss", 0.5}}));
  EXPECT_FALSE(eval("loss < 0.1", {}, {{"loss", 0.05}}));  // a parameter is parameter.NAME
  EXPECT_TRUE(eval("val.loss < 1 and TRUE", {{"val.loss", 0}, {"TRUE", 1}}));
  const auto c =
      expression::StopCondition::parse("loss < 0.1 or metadata.loss > 5 or val.acc").value();
  EXPECT_EQ(c.metadata_keys(), (std::vector<std::string>{"loss", "val.acc"}));
}

TEST(StopCondition, MetadataAndParameterTogether) {
  const std::string text = "metadata.loss < 0.1 and parameter.lr > 0.001";
  EXPECT_TRUE(eval(text, {{"loss", 0.05}}, {{"lr", 0.01}}));
  EXPECT_FALSE(eval(text, {{"loss", 0.05}}, {{"lr", 0.0001}}));
  EXPECT_FALSE(eval(text, {{"loss", 0.5}}, {{"lr", 0.01}}));
  EXPECT_FALSE(eval(text, {}, {{"lr", 0.01}}));
}

TEST(StopCondition, ChainedComparisonsAreConjunctions) {
  EXPECT_TRUE(eval("0.1 < loss < 0.5", {{"loss", 0.3}}));
  EXPECT_FALSE(eval("0.1 < loss < 0.5", {{"loss", 0.05}}));
  EXPECT_FALSE(eval("0.1 < loss < 0.5", {{"loss", 0.5}}));
  EXPECT_FALSE(eval("0.1 < loss < 0.5", {}));
  EXPECT_TRUE(eval("1 < 2 < 3 <= 3 != 4"));
  EXPECT_FALSE(eval("1 < 3 < 2"));
  EXPECT_TRUE(eval("not 3 < 2 < 1"));
  // The middle operand is looked up once; a false first link stops before the last.
  Fake fake{{{"a", 2}, {"b", 1}}, {}, {}};
  EXPECT_TRUE(expression::StopCondition::parse("1 < a < 3").value().evaluate(fake.lookup()));
  EXPECT_EQ(fake.asked, (std::vector<std::string>{"metadata.a"}));
  fake.asked.clear();
  EXPECT_FALSE(expression::StopCondition::parse("5 < a < b").value().evaluate(fake.lookup()));
  EXPECT_EQ(fake.asked, (std::vector<std::string>{"metadata.a"}));
}

TEST(StopCondition, Arithmetic) {
  EXPECT_TRUE(eval("1 + 2 * 3 == 7"));
  EXPECT_TRUE(eval("(1 + 2) * 3 == 9"));
  EXPECT_TRUE(eval("7 / 2 == 3.5"));
  EXPECT_TRUE(eval("1-2 == -1"));
  EXPECT_TRUE(eval("10 - 2 - 3 == 5"));  // left-associative
  EXPECT_TRUE(eval("8 / 2 / 2 == 2"));
  EXPECT_TRUE(eval("- 1 < 2"));
  EXPECT_TRUE(eval("--1 == 1 and -+-1 == 1 and +1 == 1"));
  EXPECT_TRUE(eval("-loss > -0.1", {{"loss", 0.05}}));
  EXPECT_TRUE(eval("-metadata.loss < 0", {{"loss", 3}}));
  EXPECT_TRUE(eval("2 * -3 == -6"));
  EXPECT_TRUE(eval("True + True == 2"));
  EXPECT_TRUE(eval("'a' + 'b' == 'ab'"));
  EXPECT_TRUE(eval("acc - base > 0.1", {{"acc", 0.9}, {"base", 0.5}}));
  EXPECT_TRUE(eval("metadata.a - 1 == 1", {{"a", 2}}));  // spaces end a metadata.KEY
  // Overflow becomes a float; what Python rejects is missing (every comparison false).
  EXPECT_TRUE(eval("9223372036854775807 + 1 > 9223372036854775807"));
  EXPECT_FALSE(eval("1 / 0 == 1 / 0"));
  EXPECT_FALSE(eval("1 / 0 != 1"));
  EXPECT_FALSE(eval("'a' + 1 != 0"));
  EXPECT_FALSE(eval("loss * 2 < 1", {}));
  EXPECT_TRUE(eval("not (loss * 2 < 1)", {}));
  EXPECT_TRUE(eval("loss * 2", {{"loss", 1}}));  // truthiness of a number
  EXPECT_FALSE(eval("loss - 1", {{"loss", 1}}));
}

}  // namespace
}  // namespace vhtask::common
