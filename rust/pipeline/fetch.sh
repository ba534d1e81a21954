# `fork.sh fetch`: download Debian's rustc source package into the cache and verify it by sha256.
# shellcheck shell=bash

# Prints the sha256 of a file.
sha_of() { sha256sum "$1" | cut -d' ' -f1; }

verified() {  # FILE SHA -> 0 when the cached file is there and matches its pin
    [ -f "$DOWNLOADS/$1" ] && [ "$(sha_of "$DOWNLOADS/$1")" = "$2" ]
}

# The Debian archive this machine's apt is configured with (its `deb` sources): the main archive's
# URI, not the security archive's. Empty when apt knows none.
configured_debian_uri() {
    apt-get indextargets --format '$(REPO_URI)' 2>/dev/null | grep -v -- '-security/' | grep -m1 '/debian/$' | sed 's:/$::'
}

# apt only downloads source packages from suites listed as deb-src; add ours once, from the same
# mirror as the machine's configured Debian sources.
ensure_deb_src() {
    local list=/etc/apt/sources.list.d/async-fork-src.sources
    [ -f "$list" ] && return 0
    [ "$(id -u)" = 0 ] || die "need root to add $list (deb-src for $DEB_SRC_SUITES)"
    local DEB_SRC_URI
    DEB_SRC_URI=$(configured_debian_uri)
    [ -n "$DEB_SRC_URI" ] || die "apt has no Debian archive configured (apt-get indextargets); add one to /etc/apt/sources.list.d"
    say "adding deb-src entry $list ($DEB_SRC_SUITES)"
    cat >"$list" <<SRC
# Added by async-fork's scripts/fork.sh fetch: Debian's rustc source package for the fork.
Types: deb-src
URIs: $DEB_SRC_URI
Suites: $DEB_SRC_SUITES
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    apt-get update -qq >/dev/null 2>&1 || say "apt-get update reported errors; trying the download anyway"
}

step_fetch() {
    mkdir -p "$DOWNLOADS"
    if verified "$ORIG_TARBALL" "$ORIG_SHA256" && verified "$DEBIAN_TARBALL" "$DEBIAN_SHA256"; then
        say "fetch: cached and verified in $DOWNLOADS"
        return 0
    fi
    need apt-get sha256sum
    ensure_deb_src
    say "fetch: apt-get source --download-only $DEB_SOURCE_PACKAGE=$DEBIAN_VERSION"
    # The .dsc itself may answer 404 on the registry; the two tarballs are what we pin, so
    # apt's exit status is not the verdict, the checksums below are.
    (cd "$DOWNLOADS" && apt-get source --download-only "$DEB_SOURCE_PACKAGE=$DEBIAN_VERSION" >"$DOWNLOADS/apt-source.log" 2>&1) ||
        say "apt-get source exited non-zero (log: $DOWNLOADS/apt-source.log); checking the tarballs"
    local f sha bad=0
    for f in "$ORIG_TARBALL:$ORIG_SHA256" "$DEBIAN_TARBALL:$DEBIAN_SHA256"; do
        sha=${f#*:}; f=${f%%:*}
        if [ ! -f "$DOWNLOADS/$f" ]; then
            say "missing $f after download; see $DOWNLOADS/apt-source.log"; bad=1
        elif [ "$(sha_of "$DOWNLOADS/$f")" != "$sha" ]; then
            mv "$DOWNLOADS/$f" "$DOWNLOADS/$f.bad-checksum"
            say "checksum mismatch for $f (kept as $f.bad-checksum), expected $sha"; bad=1
        fi
    done
    [ "$bad" = 0 ] || die "fetch failed"
    say "fetch: verified $ORIG_TARBALL and $DEBIAN_TARBALL"
}
