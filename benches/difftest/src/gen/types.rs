//! Value types, parameter shapes and argument expressions.
//!
//! Sizes are skewed towards small values (where an overlap would hit a neighbour or the state
//! tag) but include issue 5's 1 KiB `Big`, so the layouts differ visibly between compilers.

use super::env::Env;
use crate::program::{Arg, Param, Ty, SIZES};
use crate::rng::Rng;
use std::collections::HashSet;

/// A concrete value type: mostly `D` and `C`, sometimes `u32`, the zero-sized `Z` or the
/// 64-aligned `A` (which, as parameters, change an argument's offset and the future's alignment).
pub fn ty(rng: &mut Rng) -> Ty {
    let size = SIZES[rng.weighted(&[3, 4, 3, 2, 1])];
    match rng.weighted(&[10, 6, 2, 2, 2]) {
        0 => Ty::Droppy(size),
        1 => Ty::Plain(size),
        2 => Ty::U32,
        3 => Ty::Zst,
        _ => Ty::Aligned(size.min(64)),
    }
}

/// A parameter's type: in a generic fn half of them are `T`.
fn param_ty(rng: &mut Rng, generic: bool) -> Ty {
    if generic && rng.chance(1, 2) {
        Ty::Gen
    } else {
        ty(rng)
    }
}

pub fn param(rng: &mut Rng, generic: bool) -> Param {
    match rng.weighted(&[4, 3, 2, 1]) {
        0 => Param::Value(param_ty(rng, generic)),
        1 => Param::Ref(param_ty(rng, generic)),
        2 => Param::Tuple(param_ty(rng, generic), param_ty(rng, generic)),
        _ => Param::Wrap(param_ty(rng, generic)),
    }
}

/// Builds the arguments of one statement's calls. `borrowed` holds the bindings this statement
/// already borrows, so it never both borrows and moves one binding (`f(&x, x)`).
pub struct ArgBuilder<'a> {
    pub env: &'a mut Env,
    pub borrowed: HashSet<String>,
}

impl ArgBuilder<'_> {
    pub fn args(&mut self, rng: &mut Rng, tag: &mut u32, params: &[Param]) -> Vec<Arg> {
        params
            .iter()
            .map(|p| match p {
                Param::Value(t) => self.value(rng, tag, *t),
                Param::Ref(t) => self.reference(rng, tag, *t),
                Param::Tuple(a, b) => {
                    let a = self.value(rng, tag, *a);
                    let b = self.value(rng, tag, *b);
                    Arg::Tuple(Box::new(a), Box::new(b))
                }
                Param::Wrap(t) => Arg::Wrap(Box::new(self.value(rng, tag, *t))),
            })
            .collect()
    }

    /// A `T`: a binding moved or copied in, or a fresh value.
    fn value(&mut self, rng: &mut Rng, tag: &mut u32, t: Ty) -> Arg {
        let candidates: Vec<(String, bool)> = self
            .env
            .live()
            .into_iter()
            .filter(|b| b.ty == t)
            .filter(|b| t.is_copy() || (b.can_move() && !self.borrowed.contains(&b.name)))
            .map(|b| (b.name.clone(), b.by_ref))
            .collect();
        if !candidates.is_empty() && rng.chance(2, 3) {
            let (name, by_ref) = rng.pick(&candidates).clone();
            if by_ref {
                return Arg::Deref(name);
            }
            if !t.is_copy() {
                self.env.mark_moved(&name);
            }
            return Arg::Name(name);
        }
        Arg::New(t, next(tag))
    }

    /// A `&T`: a borrow of a binding, a reference binding passed on, or a fresh temporary.
    fn reference(&mut self, rng: &mut Rng, tag: &mut u32, t: Ty) -> Arg {
        let candidates: Vec<(String, bool)> = self
            .env
            .live()
            .into_iter()
            .filter(|b| b.ty == t)
            .map(|b| (b.name.clone(), b.by_ref))
            .collect();
        if !candidates.is_empty() && rng.chance(2, 3) {
            let (name, by_ref) = rng.pick(&candidates).clone();
            if by_ref {
                return Arg::Name(name);
            }
            self.borrowed.insert(name.clone());
            return Arg::RefName(name);
        }
        Arg::RefNew(t, next(tag))
    }
}

fn next(tag: &mut u32) -> u32 {
    *tag += 1;
    *tag
}
