//! The bindings visible in a body: parameters and an async block's fresh locals.
//!
//! The generator must only emit code the borrow checker accepts, so it tracks per binding
//! whether it has been moved and whether it may be moved here at all (not inside a loop, not
//! from inside an `async move` block that only copies). Moves are what make the layout
//! interesting (an argument moved into a callee's future), so they are tracked, not avoided.

use crate::program::{Param, Ty};

#[derive(Clone, Debug)]
pub struct Binding {
    pub name: String,
    pub ty: Ty,
    /// The binding is a `&T`, not a `T`.
    pub by_ref: bool,
    pub moved: bool,
    /// Moving it is allowed in the current body (false inside loops).
    pub movable: bool,
}

impl Binding {
    fn new(name: String, ty: Ty, by_ref: bool) -> Binding {
        Binding {
            name,
            ty,
            by_ref,
            moved: false,
            movable: true,
        }
    }

    /// An owned, non-`Copy` value that can still be moved here.
    pub fn can_move(&self) -> bool {
        !self.by_ref && !self.ty.is_copy() && !self.moved && self.movable
    }

    /// Owned (so it can be bumped through `&mut`).
    pub fn owned(&self) -> bool {
        !self.by_ref
    }
}

#[derive(Clone, Debug, Default)]
pub struct Env {
    pub bindings: Vec<Binding>,
}

impl Env {
    pub fn from_params(params: &[Param]) -> Env {
        let mut bindings = Vec::new();
        for (i, p) in params.iter().enumerate() {
            match p {
                Param::Value(t) | Param::Wrap(t) => bindings.push(Binding::new(format!("p{i}"), *t, false)),
                Param::Ref(t) => bindings.push(Binding::new(format!("p{i}"), *t, true)),
                Param::Tuple(a, b) => {
                    bindings.push(Binding::new(format!("p{i}a"), *a, false));
                    bindings.push(Binding::new(format!("p{i}b"), *b, false));
                }
            }
        }
        Env { bindings }
    }

    /// Bindings not moved yet.
    pub fn live(&self) -> Vec<&Binding> {
        self.bindings.iter().filter(|b| !b.moved).collect()
    }

    pub fn mark_moved(&mut self, name: &str) {
        if let Some(b) = self.bindings.iter_mut().find(|b| b.name == name) {
            b.moved = true;
        }
    }

    /// The env of a loop body: nothing may be moved (it would be moved twice).
    pub fn for_loop(&self) -> Env {
        let mut e = self.clone();
        for b in &mut e.bindings {
            b.movable = false;
        }
        e
    }

    /// The env of an `async move` block: owned non-`Copy` bindings would be moved into the block
    /// as a whole, so they are hidden; `Copy` values and references are copied in.
    pub fn for_move_block(&self) -> Env {
        let mut e = self.clone();
        e.bindings.retain(|b| b.by_ref || b.ty.is_copy());
        e
    }

    /// Take a binding out of the body's reach (the fn uses it through a pointer only).
    pub fn hide(&mut self, name: &str) {
        self.bindings.retain(|b| b.name != name);
    }

    /// Assignable bindings: owned ones, live or (where `moved_too`) already moved away.
    pub fn assignable(&self, moved_too: bool) -> Vec<&Binding> {
        self.bindings
            .iter()
            .filter(|b| !b.by_ref && (moved_too || !b.moved))
            .collect()
    }

    /// After `name = value;`: it holds a value again.
    pub fn mark_live(&mut self, name: &str) {
        if let Some(b) = self.bindings.iter_mut().find(|b| b.name == name) {
            b.moved = false;
        }
    }

    pub fn add(&mut self, name: String, ty: Ty) {
        self.bindings.push(Binding::new(name, ty, false));
    }

    /// After a by-reference async block: what its body moved is moved out here too.
    pub fn absorb_moves(&mut self, inner: &Env) {
        for b in &inner.bindings {
            if b.moved {
                self.mark_moved(&b.name);
            }
        }
    }
}
