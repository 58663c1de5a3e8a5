#include "daemon/store/migrations.h"

#include "tests/support/test_paths.h"
#include "tests/unit/daemon/store/store_fixture.h"

#include <gtest/gtest.h>

namespace vhtask::daemon::test {
namespace {

class MigrationsTest : public ::testing::Test {
protected:
  std::string path() const { return (m_dir.path() / "m.db").string(); }
  vhtask::test::TempDir m_dir;
};

TEST_F(MigrationsTest, EmbeddedMigrationsMatchTheSchemaDirectory) {
  const auto all = store::migrations();
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.front().name, "0001_init.sql");
  EXPECT_EQ(all.front().sql,
            vhtask::test::read_file(vhtask::test::source_dir() + "/schema/0001_init.sql"));
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].version, static_cast<int>(i) + 1);
  }
}

TEST_F(MigrationsTest, AppliesPendingMigrationsInOrderAndOnlyOnce) {
  const store::Migration steps[] = {{1, "0001_a.sql", "CREATE TABLE a (x INTEGER);"},
                                    {2, "0002_b.sql", "CREATE TABLE b (y INTEGER);"}};
  RawDb raw(path());
  EXPECT_EQ(store::migrate(raw.get(), std::span(steps).first(1), "m.db").value(), 1);
  EXPECT_EQ(raw.text("PRAGMA user_version"), "1");
  EXPECT_EQ(store::migrate(raw.get(), steps, "m.db").value(), 2);
  EXPECT_EQ(raw.text("PRAGMA user_version"), "2");
  // Nothing left to do: applying again must not fail on "table already exists".
  EXPECT_EQ(store::migrate(raw.get(), steps, "m.db").value(), 2);
}

TEST_F(MigrationsTest, AFailingMigrationLeavesTheDatabaseUntouched) {
  const store::Migration steps[] = {
      {1, "0001_a.sql", "CREATE TABLE a (x INTEGER);"},
      {2, "0002_bad.sql", "CREATE TABLE b (y); INSERT INTO nowhere VALUES (1);"}};
  RawDb raw(path());
  const auto result = store::migrate(raw.get(), steps, "m.db");
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("0002_bad.sql"), std::string::npos)
      << result.error().message;
  EXPECT_EQ(raw.text("PRAGMA user_version"), "0");
  EXPECT_EQ(raw.text("SELECT count(*) FROM sqlite_master"), "0");
}

TEST_F(MigrationsTest, RefusesNewerDatabasesAndGaps) {
  const store::Migration steps[] = {{1, "0001_a.sql", "CREATE TABLE a (x INTEGER);"}};
  RawDb raw(path());
  raw.exec("PRAGMA user_version = 5");
  const auto newer = store::migrate(raw.get(), steps, "m.db");
  ASSERT_FALSE(newer);
  EXPECT_NE(newer.error().message.find("m.db has schema version 5"), std::string::npos)
      << newer.error().message;
  EXPECT_NE(newer.error().message.find("version 1"), std::string::npos);

  const store::Migration gap[] = {{1, "0001_a.sql", "SELECT 1;"}, {3, "0003_c.sql", "SELECT 1;"}};
  EXPECT_FALSE(store::migrate(raw.get(), gap, "m.db"));
}

}  // namespace
}  // namespace vhtask::daemon::test
