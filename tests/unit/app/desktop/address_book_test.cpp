// The desktop app's address book: entries survive a restart, recent sessions are stamped, a broken file is named
// and left alone until the next change.
#include "desktop/address_book.hpp"

#include "process.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using telepane::app::AddressBook;
using telepane::test::TempDir;

TEST_CASE("entries and recent sessions survive a restart, named ones first") {
  TempDir dir;
  const auto file = dir / "address-book.yaml";
  {
    AddressBook book(file);
    CHECK(book.problem().empty());
    book.touch("123456789");
    book.save({"012345678", "Mum's laptop", "family", 0});
    book.save({"987654321", "Office", "work, windows", 0});
    book.remove("987654321");
  }
  AddressBook again(file);
  const auto entries = again.entries();
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].id == "012345678");  // a leading zero stays: IDs are text
  CHECK(entries[0].name == "Mum's laptop");
  CHECK(entries[0].tags == "family");
  CHECK(entries[0].last == 0);
  CHECK(entries[1].id == "123456789");
  CHECK(entries[1].last > 1'700'000'000);
  CHECK_THAT(again.to_json(), Catch::Contains("\"Mum's laptop\""));
}

TEST_CASE("a file that cannot be read is named, and kept until the book changes") {
  TempDir dir;
  const auto file = dir / "address-book.yaml";
  { std::ofstream(file) << "peers: [ {id: 1\n"; }
  AddressBook book(file);
  CHECK_THAT(book.problem(), Catch::Contains(file.string()));
  CHECK(book.entries().empty());
  book.touch("123456789");
  CHECK(book.problem().empty());
  CHECK(AddressBook(file).entries().size() == 1);
}
