#include "daemon/store/transaction.h"

#include "daemon/store/statement.h"
#include "tests/unit/daemon/store/store_fixture.h"

#include <gtest/gtest.h>

namespace vhtask::daemon::test {
namespace {

class TransactionTest : public ::testing::Test {
protected:
  void SetUp() override { m_raw.exec("CREATE TABLE t (x INTEGER NOT NULL)"); }

  vhtask::test::TempDir m_dir;
  RawDb m_raw{(m_dir.path() / "t.db").string()};
};

TEST_F(TransactionTest, RollsBackUnlessCommitted) {
  {
    auto transaction = store::Transaction::begin(m_raw.get());
    ASSERT_TRUE(transaction);
    m_raw.exec("INSERT INTO t VALUES (1)");
  }
  EXPECT_EQ(m_raw.text("SELECT count(*) FROM t"), "0");
  {
    auto transaction = store::Transaction::begin(m_raw.get());
    ASSERT_TRUE(transaction);
    m_raw.exec("INSERT INTO t VALUES (2)");
    ASSERT_TRUE(transaction->commit());
    EXPECT_FALSE(transaction->active());
  }
  EXPECT_EQ(m_raw.text("SELECT group_concat(x) FROM t"), "2");
}

TEST_F(TransactionTest, AnEarlyErrorReturnUndoesEarlierWrites) {
  const auto change = [&]() -> Result<void> {
    auto transaction = VHTASK_TRY(store::Transaction::begin(m_raw.get()));
    VHTASK_TRY(store::exec_sql(m_raw.get(), "INSERT INTO t VALUES (3)"));
    VHTASK_TRY(store::exec_sql(m_raw.get(), "INSERT INTO t VALUES (NULL)"));  // NOT NULL fails
    return transaction.commit();
  };
  const auto result = change();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Error::Code::db);
  EXPECT_EQ(m_raw.text("SELECT count(*) FROM t"), "0");
}

TEST_F(TransactionTest, DoesNotNest) {
  auto outer = store::Transaction::begin(m_raw.get());
  ASSERT_TRUE(outer);
  EXPECT_FALSE(store::Transaction::begin(m_raw.get()));
}

TEST(StatementTest, BindsAndReadsEveryType) {
  vhtask::test::TempDir dir;
  RawDb raw((dir.path() / "s.db").string());
  auto stmt = store::Statement::prepare(raw.get(), "SELECT ?, ?, ?, ?, ?");
  ASSERT_TRUE(stmt);
  const std::optional<std::string> none;
  ASSERT_TRUE(stmt->bind_all(std::int64_t{1} << 40, std::string("text"), "literal", none,
                             std::optional<int>(7)));
  ASSERT_TRUE(stmt->step().value());
  EXPECT_EQ(stmt->column_int64(0), std::int64_t{1} << 40);
  EXPECT_EQ(stmt->column_text(1), "text");
  EXPECT_EQ(stmt->column_text(2), "literal");
  EXPECT_TRUE(stmt->column_is_null(3));
  EXPECT_FALSE(stmt->column_optional_text(3));
  EXPECT_EQ(stmt->column_optional_int64(4), 7);
  EXPECT_FALSE(stmt->step().value());

  EXPECT_FALSE(store::Statement::prepare(raw.get(), "SELEC nonsense"));
  EXPECT_FALSE(stmt->bind(9, 1));
}

}  // namespace
}  // namespace vhtask::daemon::test
