//! Generated compile-time workloads: the scaling families.
//!
//! Hand-written workloads (`benches/workloads/*`) show one shape at one size. To see how a compiler's
//! cost grows with the amount of async code (the question behind a scaling graph), we need the same
//! shape at many sizes, and the sizes must be reproducible: a generated workload is fully determined
//! by its [`Spec`] (family and parameters), and its name spells the spec (`gen-tree-d4-f2`), so a
//! results file that names a workload names its source. Generating the same spec twice yields
//! byte-identical files (tests check it), which is why generated sources are not committed: they are
//! written at run time under the collector's work directory, or anywhere with `bench generate`.
//!
//! Families (each workload is a library crate in rustc-perf's layout, edition 2018 so old
//! toolchains can try it, and every one has a `pub fn run` that polls the root future with the
//! caller's `Context` so the state machines are code-generated, plus `pub async fn root()` for the
//! runtime bench):
//! - [`Family::Tree`]: a tree of distinct async fns, depth `d`, fan-out `f`; each inner fn awaits its
//!   `f` children in turn. `(f^(d+1)-1)/(f-1)` async fns.
//! - [`Family::NestedBlocks`]: `n` `async move {}` blocks nested inside each other in one async fn.
//! - [`Family::Chain`]: `n` async fns, each taking a 256-byte non-`Copy` value by value and passing it
//!   on to the next (the pattern behind future-size issue rust-lang/rust#62958).
//! - [`Family::Closures`]: `n` async closures called and awaited in sequence (Rust 1.85+; older
//!   toolchains report "unsupported").

use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::path::Path;

/// The shape of a generated workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    Tree,
    NestedBlocks,
    Chain,
    Closures,
}

impl Family {
    pub const ALL: [Family; 4] = [Family::Tree, Family::NestedBlocks, Family::Chain, Family::Closures];

    pub fn name(self) -> &'static str {
        match self {
            Family::Tree => "tree",
            Family::NestedBlocks => "nested",
            Family::Chain => "chain",
            Family::Closures => "closures",
        }
    }

    pub fn parse(s: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|f| f.name() == s)
    }

    /// What the family's size counts, for axis labels.
    pub fn size_unit(self) -> &'static str {
        match self {
            Family::Tree | Family::Chain => "async fns",
            Family::NestedBlocks => "nested async blocks",
            Family::Closures => "async closures",
        }
    }

    /// The default sweep: sizes small enough that a whole family measures in a minute under callgrind.
    pub fn default_sweep(self) -> Vec<Spec> {
        match self {
            Family::Tree => (1..=5).map(|d| Spec::tree(d, 2)).collect(),
            _ => [4, 8, 16, 32, 64].into_iter().map(|n| Spec::sized(self, n)).collect(),
        }
    }

    /// First release expected to compile the family (documentation; the measurement decides).
    pub fn min_release(self) -> &'static str {
        match self {
            Family::Closures => "1.85.0",
            _ => "1.39.0",
        }
    }
}

/// A generated workload, fully determined by these fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub struct Spec {
    pub family: Family,
    /// Tree: depth (levels below the root). Other families: the count `n`.
    pub n: u32,
    /// Tree only: fan-out. 0 elsewhere.
    #[serde(default)]
    pub fanout: u32,
}

impl Spec {
    pub fn tree(depth: u32, fanout: u32) -> Spec {
        Spec {
            family: Family::Tree,
            n: depth,
            fanout,
        }
    }

    pub fn sized(family: Family, n: u32) -> Spec {
        assert!(family != Family::Tree, "trees have a depth and a fan-out");
        Spec { family, n, fanout: 0 }
    }

    /// The workload's name, which is also its spec: `gen-tree-d4-f2`, `gen-chain-16`.
    pub fn name(&self) -> String {
        match self.family {
            Family::Tree => format!("gen-tree-d{}-f{}", self.n, self.fanout),
            f => format!("gen-{}-{}", f.name(), self.n),
        }
    }

    /// Inverse of [`Spec::name`].
    pub fn parse(name: &str) -> Option<Spec> {
        let rest = name.strip_prefix("gen-")?;
        if let Some(tree) = rest.strip_prefix("tree-d") {
            let (d, f) = tree.split_once("-f")?;
            let spec = Spec::tree(d.parse().ok()?, f.parse().ok()?);
            return spec.valid().then_some(spec);
        }
        let (fam, n) = rest.rsplit_once('-')?;
        let family = Family::parse(fam).filter(|f| *f != Family::Tree)?;
        let spec = Spec::sized(family, n.parse().ok()?);
        spec.valid().then_some(spec)
    }

    /// Sizes the generator accepts (keeps a typo from generating a million functions).
    pub fn valid(&self) -> bool {
        match self.family {
            Family::Tree => self.fanout >= 1 && self.n <= 12 && self.size() <= 5000,
            _ => self.n >= 1 && self.n <= 5000,
        }
    }

    /// The x axis of scaling graphs: how many async fns (blocks, closures) the workload has.
    pub fn size(&self) -> u64 {
        match self.family {
            Family::Tree => (0..=self.n).map(|l| (self.fanout as u64).pow(l)).sum(),
            _ => self.n as u64,
        }
    }

    /// A chain of n async fns, or n nested blocks, nests n future types in one another; from 64
    /// on, every compiler stops at its default recursion limit of 128 (E0275 "overflow
    /// normalizing the opaque type", or "queries overflow the depth limit"). Those workloads
    /// raise the limit to 4n; smaller ones keep the default and their sources stay as they were.
    fn recursion_limit(&self) -> Option<u32> {
        match self.family {
            Family::Chain | Family::NestedBlocks if self.n > 32 => Some(4 * self.n),
            _ => None,
        }
    }

    /// The crate's `src/lib.rs`.
    pub fn lib_rs(&self) -> String {
        let mut s = format!(
            "// Generated by workload-gen from {:?}; regenerate with `bench generate {}`.\n\
             // Family `{}`, size {} {}.\n\n",
            self,
            self.name(),
            self.family.name(),
            self.size(),
            self.family.size_unit()
        );
        if let Some(limit) = self.recursion_limit() {
            let _ = writeln!(s, "#![recursion_limit = \"{limit}\"]\n");
        }
        match self.family {
            Family::Tree => tree(&mut s, self.n, self.fanout),
            Family::NestedBlocks => nested(&mut s, self.n),
            Family::Chain => chain(&mut s, self.n),
            Family::Closures => closures(&mut s, self.n),
        }
        s.push_str(RUN);
        s
    }

    /// Write the crate (rustc-perf layout) into `dir`, replacing what was there.
    pub fn write(&self, dir: &Path) -> anyhow::Result<()> {
        std::fs::create_dir_all(dir.join("src"))?;
        std::fs::write(dir.join("Cargo.toml"), self.cargo_toml())?;
        std::fs::write(dir.join("src/lib.rs"), self.lib_rs())?;
        std::fs::write(dir.join("perf-config.json"), PERF_CONFIG)?;
        std::fs::write(
            dir.join("workload-gen.json"),
            serde_json::to_string_pretty(self)? + "\n",
        )?;
        Ok(())
    }

    pub fn cargo_toml(&self) -> String {
        format!(
            "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2018\"\n\n[lib]\npath = \"src/lib.rs\"\n\n\
             # Standalone: not part of any enclosing workspace.\n[workspace]\n",
            self.name()
        )
    }
}

const PERF_CONFIG: &str = "{\n  \"category\": \"secondary\",\n  \"artifact\": \"library\"\n}\n";

/// Shared by every family: poll the root once with the caller's context, so that rustc has to
/// generate code for every state machine reachable from it.
const RUN: &str = "\npub fn run(cx: &mut core::task::Context<'_>) -> core::task::Poll<u64> {\n    \
    let mut fut = root();\n    \
    // Safety: `fut` is a local that is never moved after being pinned here.\n    \
    let fut = unsafe { core::pin::Pin::new_unchecked(&mut fut) };\n    \
    core::future::Future::poll(fut, cx)\n}\n";

fn tree(s: &mut String, depth: u32, fanout: u32) {
    // Level `l` has fanout^l nodes; node (l, i) awaits nodes (l+1, i*fanout + j).
    for level in (0..=depth).rev() {
        let count = (fanout as u64).pow(level);
        for i in 0..count {
            if level == depth {
                let _ = writeln!(
                    s,
                    "async fn n{level}_{i}(x: u64) -> u64 {{\n    x.wrapping_mul(31).wrapping_add({i})\n}}"
                );
            } else {
                let _ = writeln!(s, "async fn n{level}_{i}(x: u64) -> u64 {{\n    let mut acc = x;");
                for j in 0..fanout as u64 {
                    let child = i * fanout as u64 + j;
                    let _ = writeln!(s, "    acc = acc.wrapping_add(n{}_{child}(acc).await);", level + 1);
                }
                s.push_str("    acc\n}\n");
            }
        }
    }
    s.push_str("\npub async fn root() -> u64 {\n    n0_0(1).await\n}\n");
}

fn nested(s: &mut String, n: u32) {
    s.push_str("pub async fn root() -> u64 {\n    let v0 = 1u64;\n");
    for k in 1..=n {
        let pad = "    ".repeat(k as usize);
        let _ = writeln!(
            s,
            "{pad}async move {{\n{pad}    let v{k} = v{}.wrapping_mul(3).wrapping_add({k});",
            k - 1
        );
    }
    let _ = writeln!(s, "{}v{n}", "    ".repeat(n as usize + 1));
    for k in (1..=n).rev() {
        let pad = "    ".repeat(k as usize);
        let _ = writeln!(s, "{pad}}}\n{pad}.await");
    }
    s.push_str("}\n");
}

fn chain(s: &mut String, n: u32) {
    s.push_str(
        "/// 256 bytes, not `Copy`: every async fn below holds one across an await.\n\
         pub struct Big {\n    pub data: [u64; 32],\n}\n\n\
         async fn c0(b: Big) -> u64 {\n    b.data[0]\n}\n",
    );
    for k in 1..n {
        let _ = writeln!(
            s,
            "async fn c{k}(b: Big) -> u64 {{\n    let mut b = b;\n    b.data[{}] += {k};\n    c{}(b).await + 1\n}}",
            k % 32,
            k - 1
        );
    }
    let _ = writeln!(
        s,
        "\npub async fn root() -> u64 {{\n    c{}(Big {{ data: [1; 32] }}).await\n}}",
        n - 1
    );
}

fn closures(s: &mut String, n: u32) {
    s.push_str("pub async fn root() -> u64 {\n    let mut acc = 1u64;\n");
    for k in 0..n {
        let _ = writeln!(
            s,
            "    let c{k} = async |x: u64| x.wrapping_mul(7).wrapping_add({k});\n    acc = c{k}(acc).await;"
        );
    }
    s.push_str("    acc\n}\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for family in Family::ALL {
            for spec in family.default_sweep() {
                assert_eq!(Spec::parse(&spec.name()), Some(spec), "{}", spec.name());
            }
        }
        assert_eq!(Spec::parse("gen-tree-d3-f3"), Some(Spec::tree(3, 3)));
        assert_eq!(Spec::parse("gen-tree-d99-f9"), None, "too big");
        assert_eq!(Spec::parse("gen-bogus-4"), None);
        assert_eq!(Spec::parse("await-call-tree"), None);
    }

    #[test]
    fn sizes() {
        assert_eq!(Spec::tree(0, 2).size(), 1);
        assert_eq!(Spec::tree(3, 2).size(), 15);
        assert_eq!(Spec::tree(8, 1).size(), 9);
        assert_eq!(Spec::tree(2, 3).size(), 13);
        assert_eq!(Spec::sized(Family::Chain, 16).size(), 16);
    }

    #[test]
    fn tree_has_one_fn_per_node() {
        let src = Spec::tree(3, 2).lib_rs();
        assert_eq!(src.matches("async fn n").count(), 15);
        assert_eq!(
            src.matches(".await").count(),
            14 + 1,
            "every edge awaited once, plus the root"
        );
    }

    #[test]
    fn nested_blocks_nest() {
        let src = Spec::sized(Family::NestedBlocks, 5).lib_rs();
        assert_eq!(src.matches("async move {").count(), 5);
        assert!(src.contains("                    let v5 = v4"), "{src}");
    }

    #[test]
    fn generation_is_reproducible() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        for spec in [
            Spec::tree(4, 3),
            Spec::sized(Family::Chain, 40),
            Spec::sized(Family::Closures, 7),
        ] {
            spec.write(a.path()).unwrap();
            spec.write(b.path()).unwrap();
            for f in ["Cargo.toml", "src/lib.rs", "perf-config.json", "workload-gen.json"] {
                let x = std::fs::read(a.path().join(f)).unwrap();
                let y = std::fs::read(b.path().join(f)).unwrap();
                assert_eq!(x, y, "{f} of {}", spec.name());
            }
            // And the spec recorded beside the sources regenerates them.
            let back: Spec =
                serde_json::from_slice(&std::fs::read(a.path().join("workload-gen.json")).unwrap()).unwrap();
            assert_eq!(back.lib_rs(), spec.lib_rs());
        }
        // Different parameters give different sources.
        assert_ne!(Spec::tree(4, 3).lib_rs(), Spec::tree(4, 2).lib_rs());
    }
}
