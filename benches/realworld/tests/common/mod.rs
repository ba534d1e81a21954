//! Shared by the integration tests that need a compiler which fails.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Writes `<dir>/rustc`: a compiler that answers cargo's questions (-vV, --print) as `real` does
/// and fails every compilation with `error: injected failure`.
pub fn failing_rustc(dir: &Path, real: &Path) -> PathBuf {
    let fake = dir.join("rustc");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\nfor a in \"$@\"; do case \"$a\" in -vV|--print*|-) exec {} \"$@\";; esac; done\necho 'error: injected failure' >&2\nexit 1\n",
            real.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    fake
}
