//! Value types, parameter shapes and argument expressions.
//!
//! Sizes are skewed towards small values (where an overlap would hit a neighbour or the state
//! tag) but include issue 5's 1 KiB `Big`, so the layouts differ visibly between compilers.

use super::env::Env;
use crate::program::{Arg, Param, Ty, SIZES};
use crate::rng::Rng;
use std::collections::HashSet;

pub fn ty(rng: &mut Rng) -> Ty {
    let size = SIZES[rng.weighted(&[3, 4, 3, 2, 1])];
    match rng.weighted(&[5, 3, 1]) {
        0 => Ty::Droppy(size),
        1 => Ty::Plain(size),
        _ => Ty::U32,
    }
}

pub fn param(rng: &mut Rng) -> Param {
    match rng.weighted(&[4, 3, 2, 1]) {
        0 => Param::Value(ty(rng)),
        1 => Param::Ref(ty(rng)),
        2 => Param::Tuple(ty(rng), ty(rng)),
        _ => Param::Wrap(ty(rng)),
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
