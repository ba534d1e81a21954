//! Statement kinds and when each may be generated.
//!
//! Each kind targets one way a coroutine layout can go wrong: values live across 0, 1 or several
//! suspension points, borrows and raw pointers that must still see the same storage after a
//! resume, arguments moved into a callee's future (issue 5's delegation chains), early exits
//! (`return`, `?`, panics) that must drop exactly what is live, futures dropped in every
//! state (never polled, suspended, finished), arguments reassigned after being moved or read, and
//! futures moved before their first poll.

use super::env::Env;
use super::types::{self, ArgBuilder};
use super::{Ctx, Gen};
use crate::program::{Call, CallMode, Param, Relocation, Ret, Stmt, Ty};
use std::collections::HashSet;

/// Kinds, in the order of `WEIGHTS`.
#[derive(Clone, Copy)]
enum Kind {
    Live,
    Borrow,
    RawLocal,
    RawBinding,
    Touch,
    Call,
    MoveInto,
    Block,
    Closure,
    Loop,
    EarlyReturn,
    Fail,
    PanicIf,
    DropEarly,
    Select,
    CatchPanic,
    Reassign,
    MovedFuture,
}

const KINDS: [(Kind, u64); 18] = [
    (Kind::Live, 10),
    (Kind::Borrow, 6),
    (Kind::RawLocal, 6),
    (Kind::RawBinding, 8),
    (Kind::Touch, 4),
    (Kind::Call, 14),
    (Kind::MoveInto, 6),
    (Kind::Block, 6),
    (Kind::Closure, 4),
    (Kind::Loop, 5),
    (Kind::EarlyReturn, 3),
    (Kind::Fail, 4),
    (Kind::PanicIf, 1),
    (Kind::DropEarly, 6),
    (Kind::Select, 5),
    (Kind::CatchPanic, 4),
    (Kind::Reassign, 5),
    (Kind::MovedFuture, 5),
];

const MAX_DEPTH: u8 = 2;

impl Gen {
    pub(super) fn stmt(&mut self, ctx: Ctx, env: &mut Env) -> Stmt {
        let callees = self.callees(ctx);
        let has_binding = !env.live().is_empty();
        // A moved binding can only be assigned again in the fn's own body: inside a block or a
        // closure it would be captured, and a capture of a moved value does not compile.
        let assignable = env.assignable(ctx.depth == 0);
        let weights: Vec<u64> = KINDS
            .iter()
            .map(|(k, w)| {
                let ok = match k {
                    Kind::RawBinding | Kind::Touch => has_binding,
                    Kind::Reassign => !assignable.is_empty(),
                    Kind::Call | Kind::DropEarly | Kind::Select | Kind::CatchPanic | Kind::MovedFuture => {
                        !callees.is_empty()
                    }
                    Kind::Closure => ctx.depth < MAX_DEPTH && self.caps.async_closures,
                    Kind::Block | Kind::Loop => ctx.depth < MAX_DEPTH,
                    Kind::Fail => ctx.ret == Ret::Fallible,
                    _ => true,
                };
                if ok {
                    *w
                } else {
                    0
                }
            })
            .collect();
        let kind = KINDS[self.rng.weighted(&weights)].0;
        let assignable: Vec<(String, Ty)> = assignable.iter().map(|b| (b.name.clone(), b.ty)).collect();
        let id = self.id();
        let awaits = *self.rng.pick(&[0u8, 1, 1, 2, 3]);
        match kind {
            Kind::Live => {
                let ty = types::ty(&mut self.rng);
                let read = match env.live() {
                    live if !live.is_empty() && self.rng.chance(1, 2) => Some(self.rng.pick(&live).name.clone()),
                    _ => None,
                };
                Stmt::Live { id, ty, awaits, read }
            }
            Kind::Borrow => Stmt::Borrow {
                id,
                ty: types::ty(&mut self.rng),
                awaits,
            },
            Kind::RawLocal => Stmt::RawLocal {
                id,
                ty: types::ty(&mut self.rng),
                awaits,
            },
            Kind::RawBinding => {
                let live = env.live();
                let b = self.rng.pick(&live);
                Stmt::RawBinding {
                    id,
                    name: b.name.clone(),
                    owned: b.owned(),
                    awaits,
                }
            }
            Kind::Touch => {
                let live = env.live();
                let b = self.rng.pick(&live);
                Stmt::Touch {
                    id,
                    name: b.name.clone(),
                    owned: b.owned(),
                }
            }
            Kind::MoveInto => Stmt::MoveInto {
                id,
                ty: types::ty(&mut self.rng),
                awaits,
            },
            Kind::Call => {
                let callee = *self.rng.pick(&callees);
                let call = self.call(ctx, env, &mut HashSet::new(), callee);
                let mode = match (self.sigs[callee].1, ctx.ret) {
                    (Ret::Plain, _) => CallMode::Await,
                    (Ret::Fallible, Ret::Fallible) if self.rng.chance(2, 3) => CallMode::Try,
                    (Ret::Fallible, _) => CallMode::Match,
                };
                Stmt::Call { id, call, mode }
            }
            Kind::DropEarly => {
                let callee = *self.rng.pick(&callees);
                let call = self.call(ctx, env, &mut HashSet::new(), callee);
                let polls = *self.rng.pick(&[0u8, 1, 2, 3, 5]);
                Stmt::DropEarly { id, call, polls }
            }
            Kind::CatchPanic => {
                let callee = *self.rng.pick(&callees);
                let call = self.call(ctx, env, &mut HashSet::new(), callee);
                Stmt::CatchPanic { id, call }
            }
            Kind::MovedFuture => {
                let callee = *self.rng.pick(&callees);
                let call = self.call(ctx, env, &mut HashSet::new(), callee);
                let how = *self
                    .rng
                    .pick(&[Relocation::Local, Relocation::Boxed, Relocation::BlackBox]);
                Stmt::MovedFuture {
                    id,
                    call,
                    awaits: awaits.max(1),
                    how,
                }
            }
            Kind::Reassign => {
                let (name, ty) = self.rng.pick(&assignable).clone();
                env.mark_live(&name);
                Stmt::Reassign { id, name, ty, awaits }
            }
            Kind::Select => {
                let mut borrowed = HashSet::new();
                let ca = *self.rng.pick(&callees);
                let a = self.call(ctx, env, &mut borrowed, ca);
                // The second callee must still fit in the budget after the first.
                let rest = self.callees(ctx);
                let cb = if rest.is_empty() { ca } else { *self.rng.pick(&rest) };
                let b = self.call(ctx, env, &mut borrowed, cb);
                Stmt::Select { id, a, b }
            }
            Kind::Block => {
                let is_move = self.rng.chance(1, 2);
                let n_fresh = self.rng.range(0, 2) as usize;
                let fresh: Vec<_> = (0..n_fresh).map(|_| types::ty(&mut self.rng)).collect();
                let mut inner = if is_move { env.for_move_block() } else { env.clone() };
                for (i, t) in fresh.iter().enumerate() {
                    inner.add(format!("b{id}_{i}"), *t);
                }
                let inner_ctx = Ctx {
                    ret: Ret::Plain,
                    depth: ctx.depth + 1,
                    ..ctx
                };
                let n = self.rng.range(1, 3);
                let body = (0..n).map(|_| self.stmt(inner_ctx, &mut inner)).collect();
                if !is_move {
                    env.absorb_moves(&inner);
                }
                Stmt::Block {
                    id,
                    is_move,
                    fresh,
                    body,
                }
            }
            Kind::Closure => {
                let is_move = self.rng.chance(1, 2);
                let calls = self.rng.range(1, 2) as u8;
                let n_fresh = self.rng.range(0, 2) as usize;
                let fresh: Vec<_> = (0..n_fresh).map(|_| types::ty(&mut self.rng)).collect();
                let n_args = self.rng.range(0, 2) as usize;
                let args: Vec<_> = (0..n_args).map(|_| self.closure_arg_ty(ctx)).collect();
                let base = if is_move { env.for_move_block() } else { env.clone() };
                let mut inner = base;
                for (i, t) in fresh.iter().enumerate() {
                    inner.add(format!("b{id}_{i}"), *t);
                }
                // Called possibly twice: nothing may be moved out of the captures.
                let mut inner = inner.for_loop();
                // Its arguments are its own, fresh for every call: those may be moved.
                for (k, t) in args.iter().enumerate() {
                    inner.add(format!("q{id}_{k}"), *t);
                }
                let inner_ctx = Ctx {
                    ret: Ret::Plain,
                    depth: ctx.depth + 1,
                    mult: ctx.mult * calls as u64,
                    ..ctx
                };
                let n = self.rng.range(1, 3);
                let body = (0..n).map(|_| self.stmt(inner_ctx, &mut inner)).collect();
                Stmt::Closure {
                    id,
                    is_move,
                    fresh,
                    args,
                    calls,
                    body,
                }
            }
            Kind::Loop => {
                let n = self.rng.range(1, 3) as u8;
                let mut inner = env.for_loop();
                let inner_ctx = Ctx {
                    depth: ctx.depth + 1,
                    mult: ctx.mult * n as u64,
                    ..ctx
                };
                let k = self.rng.range(1, 3);
                let body = (0..k).map(|_| self.stmt(inner_ctx, &mut inner)).collect();
                Stmt::Loop { id, n, body }
            }
            Kind::EarlyReturn => Stmt::EarlyReturn {
                id,
                m: self.rng.range(2, 5) as u8,
                r: 0,
                hold: types::ty(&mut self.rng),
                ret: ctx.ret,
            },
            Kind::Fail => Stmt::Fail {
                id,
                m: self.rng.range(2, 5) as u8,
                r: 1,
                code: id,
            },
            Kind::PanicIf => Stmt::PanicIf {
                id,
                m: self.rng.range(4, 8) as u8,
                r: 2,
                hold: types::ty(&mut self.rng),
            },
        }
    }

    /// The type of an async closure's argument: in a generic fn sometimes its `T`.
    fn closure_arg_ty(&mut self, ctx: Ctx) -> Ty {
        if ctx.generic && self.rng.chance(1, 3) {
            Ty::Gen
        } else {
            types::ty(&mut self.rng)
        }
    }

    /// A call of `callee` with arguments drawn from `env`; charges its cost to the current fn.
    /// A generic callee is instantiated with a concrete type, or with the caller's own `T`.
    fn call(&mut self, ctx: Ctx, env: &mut Env, borrowed: &mut HashSet<String>, callee: usize) -> Call {
        self.cur_cost += ctx.mult * self.costs[callee];
        let mut params = self.sigs[callee].0.clone();
        let mut inst = None;
        if params.iter().any(Param::has_gen) {
            let t = if ctx.generic && self.rng.chance(1, 3) {
                Ty::Gen
            } else {
                types::ty(&mut self.rng)
            };
            params = params.iter().map(|p| p.subst(t)).collect();
            inst = Some(t);
        }
        let mut b = ArgBuilder {
            env,
            borrowed: std::mem::take(borrowed),
        };
        let args = b.args(&mut self.rng, &mut self.next_tag, &params);
        *borrowed = b.borrowed;
        Call { callee, args, inst }
    }
}
