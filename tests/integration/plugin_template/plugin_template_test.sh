#!/usr/bin/env bash
# A vendor's path, end to end: install Telepane, scaffold a plugin with `telepane plugin new`, build it against
# the INSTALLED SDK (no source tree), run its own tests, and see the installed telepane list it as loaded.
# usage: plugin_template_test.sh BUILD_DIR KIND
set -euo pipefail
build=$1
kind=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data TELEPANE_SYSCONFDIR=$work/etc

cmake --install "$build" --prefix "$work/prefix" >/dev/null
telepane=$work/prefix/bin/telepane
"$telepane" plugin new "acme-$kind" --kind "$kind" --dir "$work/acme"
# The scaffold is standalone: nothing in it points back into Telepane's source tree.
if grep -rq "$(dirname "$(dirname "$(readlink -f "$0")")")" "$work/acme"; then
  echo "the scaffold refers to the source tree" >&2
  exit 1
fi
cmake -S "$work/acme" -B "$work/acme/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/acme/build"
ctest --test-dir "$work/acme/build" --output-on-failure

list=$("$telepane" --set "plugins.dirs=[$work/prefix/lib/telepane/plugins, $work/acme/build/plugins]" plugins list)
echo "$list"
case $kind in
  codec) kinds=encoder,decoder ;;
  *) kinds=$kind ;;
esac
grep -Eq "^com\.example\.$kind\.acme-$kind +0\.1\.0 +$kinds +loaded +-$" <<<"$list"
grep -Eq "^org\.telepane\.codec\.raw +0\.1\.0 .* loaded" <<<"$list"
echo "acme-$kind builds against the installed SDK and loads"
