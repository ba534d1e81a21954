//! The applications: each directory of `apps/` with a `Cargo.toml` is one, a standalone project
//! whose package and binary carry the directory's name. Adding one needs no code change.

use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct App {
    /// Package and binary name (`embassy-sensors`).
    pub name: String,
    pub dir: PathBuf,
}

impl App {
    /// The crate name as rustc spells it in paths (`embassy_sensors`).
    pub fn crate_name(&self) -> String {
        self.name.replace('-', "_")
    }
}

/// Every application under `apps_dir`, sorted by name.
pub fn discover(apps_dir: &Path) -> anyhow::Result<Vec<App>> {
    let mut apps = Vec::new();
    for entry in std::fs::read_dir(apps_dir).map_err(|e| anyhow::anyhow!("{}: {e}", apps_dir.display()))? {
        let dir = entry?.path();
        if dir.join("Cargo.toml").is_file() {
            let name = dir.file_name().unwrap_or_default().to_string_lossy().into_owned();
            apps.push(App { name, dir });
        }
    }
    apps.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(apps)
}

/// The applications named by `wanted` (all when empty); an unknown name is an error that lists
/// the known ones.
pub fn select(all: Vec<App>, wanted: &[String]) -> anyhow::Result<Vec<App>> {
    if wanted.is_empty() {
        return Ok(all);
    }
    let known: Vec<&str> = all.iter().map(|a| a.name.as_str()).collect();
    for w in wanted {
        anyhow::ensure!(
            known.contains(&w.as_str()),
            "unknown application `{w}` (known: {})",
            known.join(", ")
        );
    }
    Ok(all.into_iter().filter(|a| wanted.contains(&a.name)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_committed_applications() {
        let apps = discover(&crate::crate_dir().join("apps")).unwrap();
        let names: Vec<&str> = apps.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["embassy-sensors", "rtic-pump", "storage-logger"]);
        assert_eq!(apps[0].crate_name(), "embassy_sensors");
        let err = select(apps, &["nope".into()]).unwrap_err().to_string();
        assert!(
            err.contains("unknown application `nope`") && err.contains("rtic-pump"),
            "{err}"
        );
    }
}
