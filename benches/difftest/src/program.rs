//! The generated program as data: async fns whose bodies are trees of statements.
//!
//! The shape is chosen for reduction, not only for generation. Every statement is a
//! self-contained block: it declares its own locals and talks to the rest of the function only
//! through the function's accumulator `acc` and the function's parameter bindings. So removing
//! any statement, or any function together with the statements that call it, still leaves a
//! program that compiles (the reducer re-checks anyway). Every statement carries an `id` that is
//! unique in the program and survives reduction, so a reduced program can be described by the
//! ids it kept, and drop-log tags stay the same in the original and the reduced program.

/// Payload sizes in bytes. 1024 is issue 5's `Big`; 1 and 16 are the sizes where a layout bug
/// would overlap a value with the state tag or a neighbour.
pub const SIZES: [usize; 5] = [1, 16, 64, 256, 1024];

/// The value types of generated programs (their definitions are in the runtime prelude).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// `D<N>`: N bytes, not `Copy`, logs its tag and checksum when dropped.
    Droppy(usize),
    /// `C<N>`: N bytes, `Copy`, no drop glue.
    Plain(usize),
    U32,
    /// `Z`: zero-sized, not `Copy`, logs `drop Z` when dropped (a ZST still has a drop to order).
    Zst,
    /// `A<N>`: N bytes aligned to 64, not `Copy`, logs its drop; its checksum includes whether
    /// the value sits at a 64-aligned address, so a misplaced over-aligned value shows.
    Aligned(usize),
    /// `T`, the type parameter of a generic async fn (`T: Val`, no `Copy`, maybe with drop
    /// glue): only the fn's own bindings, and values it makes with `T::make(tag)`, have it.
    Gen,
}

impl Ty {
    pub fn is_copy(self) -> bool {
        matches!(self, Ty::Plain(_) | Ty::U32)
    }
}

/// The language features a generated program may use beyond its baseline (Rust 1.68: `pin!`,
/// `poll_fn`, const generics, `addr_of!`), chosen from the oldest toolchain compared so that no
/// toolchain is handed a program it cannot parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caps {
    /// `async ||` and `async move ||` closures (stable since Rust 1.85).
    pub async_closures: bool,
}

impl Caps {
    /// Every feature: the default for toolchains from 1.85 on.
    pub const ALL: Caps = Caps { async_closures: true };

    /// The oldest release a generated program compiles with at all.
    pub const MIN_RELEASE: (u32, u32, u32) = (1, 68, 0);

    /// What the oldest release among the compared toolchains supports.
    pub fn for_release(oldest: (u32, u32, u32)) -> Caps {
        Caps {
            async_closures: oldest >= (1, 85, 0),
        }
    }

    /// The `gen` options that regenerate a program made with these caps (empty for [`Caps::ALL`]).
    pub fn gen_flags(self) -> &'static str {
        if self.async_closures {
            ""
        } else {
            " --no-async-closures"
        }
    }
}

/// How an async fn takes one parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Param {
    /// `mut p0: T`
    Value(Ty),
    /// `p0: &T`
    Ref(Ty),
    /// `(mut p0a, mut p0b): (T, U)`: a pattern, so the argument is destructured in the body.
    Tuple(Ty, Ty),
    /// `W(mut p0): W<T>`: a tuple-struct pattern.
    Wrap(Ty),
}

/// The return type of an async fn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ret {
    /// `-> u64`
    Plain,
    /// `-> Result<u64, u32>`, so callers can use `?`.
    Fallible,
}

/// One argument expression at a call site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// A fresh value, e.g. `D::<16>::new(42)`.
    New(Ty, u32),
    /// A reference to a fresh temporary, `&D::<16>::new(42)`: lives until the end of the statement,
    /// that is across the await of the call.
    RefNew(Ty, u32),
    /// A binding moved, copied, or (if it is a reference) passed on.
    Name(String),
    /// `&binding`
    RefName(String),
    /// `*binding`: a copy out of a reference binding.
    Deref(String),
    Tuple(Box<Arg>, Box<Arg>),
    Wrap(Box<Arg>),
}

/// How the result of a call is consumed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallMode {
    /// `f(..).await` of a plain fn.
    Await,
    /// `f(..).await?` inside a fallible fn.
    Try,
    /// `match f(..).await { Ok(v) => .., Err(e) => .. }`
    Match,
}

/// A callee with its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub callee: usize,
    pub args: Vec<Arg>,
    /// For a generic callee: the type its `T` is instantiated with (written as a turbofish).
    pub inst: Option<Ty>,
}

/// How a created, never polled future is moved before it is awaited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relocation {
    /// Into another local, through an `Option`.
    Local,
    /// Into a heap box (`Box::pin`).
    Boxed,
    /// Through `std::hint::black_box`, so the copy cannot be optimised away.
    BlackBox,
}

/// A statement of an async fn or async block body. See `render` for the code of each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stmt {
    /// A local live across `awaits` yields, mutated and read afterwards (and a binding read too).
    Live {
        id: u32,
        ty: Ty,
        awaits: u8,
        read: Option<String>,
    },
    /// A shared borrow of a local held across the awaits.
    Borrow { id: u32, ty: Ty, awaits: u8 },
    /// A raw pointer to a local, written and read after the awaits.
    RawLocal { id: u32, ty: Ty, awaits: u8 },
    /// A raw pointer to a binding (an argument), read (and written if owned) after the awaits.
    RawBinding {
        id: u32,
        name: String,
        owned: bool,
        awaits: u8,
    },
    /// Read (and bump, if owned) a binding.
    Touch { id: u32, name: String, owned: bool },
    /// Await a call.
    Call { id: u32, call: Call, mode: CallMode },
    /// A fresh value moved into an `async move` block that is awaited.
    MoveInto { id: u32, ty: Ty, awaits: u8 },
    /// An async block (`async move` or by-reference) with fresh locals, awaited in place.
    Block {
        id: u32,
        is_move: bool,
        fresh: Vec<Ty>,
        body: Vec<Stmt>,
    },
    /// An async closure (`async move ||` or by-reference) called `calls` times and awaited.
    /// Nothing is moved out of its captures, so it is `AsyncFnMut` and can be called again.
    /// It takes `args` by value (`q<id>_<k>`), a fresh value per call.
    Closure {
        id: u32,
        is_move: bool,
        fresh: Vec<Ty>,
        args: Vec<Ty>,
        calls: u8,
        body: Vec<Stmt>,
    },
    /// An owned binding (an argument, possibly moved away already) assigned a fresh value, held
    /// across the awaits, then read.
    Reassign { id: u32, name: String, ty: Ty, awaits: u8 },
    /// A future created and not polled, the creator suspended `awaits` times, then the future
    /// moved (`how`) and awaited: its arguments must survive being copied before the first poll.
    MovedFuture {
        id: u32,
        call: Call,
        awaits: u8,
        how: Relocation,
    },
    /// `for i in 0..n { body }`
    Loop { id: u32, n: u8, body: Vec<Stmt> },
    /// Hold a value across an await, then maybe return early.
    EarlyReturn { id: u32, m: u8, r: u8, hold: Ty, ret: Ret },
    /// `Err(code)?` on a condition; only in fallible fns.
    Fail { id: u32, m: u8, r: u8, code: u32 },
    /// Hold a value, then maybe panic.
    PanicIf { id: u32, m: u8, r: u8, hold: Ty },
    /// Create a future, poll it `polls` times with a private waker, then drop it.
    DropEarly { id: u32, call: Call, polls: u8 },
    /// Poll two futures alternately until one finishes; drop the other.
    Select { id: u32, a: Call, b: Call },
    /// Run a future to completion inside `catch_unwind`.
    CatchPanic { id: u32, call: Call },
}

impl Stmt {
    pub fn id(&self) -> u32 {
        match self {
            Stmt::Live { id, .. }
            | Stmt::Borrow { id, .. }
            | Stmt::RawLocal { id, .. }
            | Stmt::RawBinding { id, .. }
            | Stmt::Touch { id, .. }
            | Stmt::Call { id, .. }
            | Stmt::MoveInto { id, .. }
            | Stmt::Block { id, .. }
            | Stmt::Closure { id, .. }
            | Stmt::Loop { id, .. }
            | Stmt::EarlyReturn { id, .. }
            | Stmt::Fail { id, .. }
            | Stmt::PanicIf { id, .. }
            | Stmt::DropEarly { id, .. }
            | Stmt::Select { id, .. }
            | Stmt::CatchPanic { id, .. }
            | Stmt::Reassign { id, .. }
            | Stmt::MovedFuture { id, .. } => *id,
        }
    }

    /// The fns this statement (not its nested statements) calls.
    pub fn callees(&self) -> Vec<usize> {
        match self {
            Stmt::Call { call, .. }
            | Stmt::DropEarly { call, .. }
            | Stmt::CatchPanic { call, .. }
            | Stmt::MovedFuture { call, .. } => vec![call.callee],
            Stmt::Select { a, b, .. } => vec![a.callee, b.callee],
            _ => Vec::new(),
        }
    }

    /// Does this statement itself (not its nested statements) use one of these bindings?
    pub fn mentions_own(&self, names: &[String]) -> bool {
        fn arg_mentions(a: &Arg, names: &[String]) -> bool {
            match a {
                Arg::Name(n) | Arg::RefName(n) | Arg::Deref(n) => names.contains(n),
                Arg::Tuple(a, b) => arg_mentions(a, names) || arg_mentions(b, names),
                Arg::Wrap(a) => arg_mentions(a, names),
                Arg::New(..) | Arg::RefNew(..) => false,
            }
        }
        let calls: Vec<&Call> = match self {
            Stmt::Call { call, .. }
            | Stmt::DropEarly { call, .. }
            | Stmt::CatchPanic { call, .. }
            | Stmt::MovedFuture { call, .. } => vec![call],
            Stmt::Select { a, b, .. } => vec![a, b],
            _ => Vec::new(),
        };
        let own = match self {
            Stmt::Live { read: Some(n), .. }
            | Stmt::RawBinding { name: n, .. }
            | Stmt::Touch { name: n, .. }
            | Stmt::Reassign { name: n, .. } => names.contains(n),
            _ => false,
        };
        own || calls.iter().any(|c| c.args.iter().any(|a| arg_mentions(a, names)))
    }

    pub fn body(&self) -> Option<&Vec<Stmt>> {
        match self {
            Stmt::Block { body, .. } | Stmt::Closure { body, .. } | Stmt::Loop { body, .. } => Some(body),
            _ => None,
        }
    }

    pub fn body_mut(&mut self) -> Option<&mut Vec<Stmt>> {
        match self {
            Stmt::Block { body, .. } | Stmt::Closure { body, .. } | Stmt::Loop { body, .. } => Some(body),
            _ => None,
        }
    }
}

/// One `async fn f{index}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AsyncFn {
    /// The fn is named `f{index}`; indices survive reduction. Calls only go to higher indices,
    /// so the call graph is a DAG and every program terminates.
    pub index: usize,
    /// Parameters with their slot: parameter `(k, _)` binds `p{k}` (or `p{k}a`, `p{k}b`). Slots
    /// are the generated positions and survive reduction, so removing a parameter renames
    /// nothing.
    pub params: Vec<(usize, Param)>,
    pub ret: Ret,
    /// Owned bindings of parameters whose address is taken before the first await
    /// (`let pin_p0 = addr_of_mut!(p0);`) and that are bumped and read through that pointer
    /// after the body; the body itself never names them.
    pub pinned: Vec<String>,
    pub body: Vec<Stmt>,
}

impl AsyncFn {
    /// Generic (`async fn f<T: Val>`) when a parameter has type `T`.
    pub fn is_generic(&self) -> bool {
        self.params.iter().any(|(_, p)| p.has_gen())
    }
}

impl Param {
    /// Every `T` replaced by `inst` (a call's instantiation).
    pub fn subst(&self, inst: Ty) -> Param {
        let s = |t: Ty| if t == Ty::Gen { inst } else { t };
        match self {
            Param::Value(t) => Param::Value(s(*t)),
            Param::Ref(t) => Param::Ref(s(*t)),
            Param::Tuple(a, b) => Param::Tuple(s(*a), s(*b)),
            Param::Wrap(t) => Param::Wrap(s(*t)),
        }
    }

    /// The first value type of the parameter replaced by `t`.
    pub fn subst_first(&self, t: Ty) -> Param {
        match self {
            Param::Value(_) => Param::Value(t),
            Param::Ref(_) => Param::Ref(t),
            Param::Tuple(_, b) => Param::Tuple(t, *b),
            Param::Wrap(_) => Param::Wrap(t),
        }
    }

    pub fn has_gen(&self) -> bool {
        match self {
            Param::Value(t) | Param::Ref(t) | Param::Wrap(t) => *t == Ty::Gen,
            Param::Tuple(a, b) => *a == Ty::Gen || *b == Ty::Gen,
        }
    }
}

/// A whole generated program. `fns[0]` is `f0`, the root, run by `block_on` from `main`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    pub seed: u64,
    /// The features it was generated with (part of its name, with the seed).
    pub caps: Caps,
    pub fns: Vec<AsyncFn>,
}

impl Program {
    /// Statement ids in pre-order (outer before nested), the order the reducer tries them.
    pub fn stmt_ids(&self) -> Vec<u32> {
        fn walk(body: &[Stmt], out: &mut Vec<u32>) {
            for s in body {
                out.push(s.id());
                if let Some(b) = s.body() {
                    walk(b, out);
                }
            }
        }
        let mut out = Vec::new();
        for f in &self.fns {
            walk(&f.body, &mut out);
        }
        out
    }

    /// Number of parameters over all fns.
    pub fn param_count(&self) -> usize {
        self.fns.iter().map(|f| f.params.len()).sum()
    }

    /// Number of statements, nested ones included: the size measure of reduction.
    pub fn stmt_count(&self) -> usize {
        self.stmt_ids().len()
    }

    /// The program without the statements whose ids are in `ids` (and what they contain).
    pub fn without_stmts(&self, ids: &[u32]) -> Program {
        fn filter(body: &mut Vec<Stmt>, ids: &[u32]) {
            body.retain(|s| !ids.contains(&s.id()));
            for s in body.iter_mut() {
                if let Some(b) = s.body_mut() {
                    filter(b, ids);
                }
            }
        }
        let mut p = self.clone();
        for f in &mut p.fns {
            filter(&mut f.body, ids);
        }
        p
    }

    /// The program with statement `id` (a loop, block or closure) replaced by its body. Often
    /// does not compile (the body may use the block's locals); the reducer just tries.
    pub fn flattened(&self, id: u32) -> Program {
        fn walk(body: &mut Vec<Stmt>, id: u32) {
            if let Some(i) = body.iter().position(|s| s.id() == id) {
                let inner = body[i].body().cloned().unwrap_or_default();
                body.splice(i..=i, inner);
                return;
            }
            for s in body.iter_mut() {
                if let Some(b) = s.body_mut() {
                    walk(b, id);
                }
            }
        }
        let mut p = self.clone();
        for f in &mut p.fns {
            walk(&mut f.body, id);
        }
        p
    }

    /// Ids of statements that have a body (loops, blocks, closures), in pre-order.
    pub fn nesting_ids(&self) -> Vec<u32> {
        fn walk(body: &[Stmt], out: &mut Vec<u32>) {
            for s in body {
                if let Some(b) = s.body() {
                    out.push(s.id());
                    walk(b, out);
                }
            }
        }
        let mut out = Vec::new();
        for f in &self.fns {
            walk(&f.body, &mut out);
        }
        out
    }

    /// The program without parameter `slot` of fn `index`: the argument goes from every call,
    /// and every statement that mentions the parameter's bindings goes from the body.
    pub fn without_param(&self, index: usize, slot: usize) -> Program {
        fn drop_arg(body: &mut [Stmt], index: usize, pos: usize, generic: bool) {
            for s in body.iter_mut() {
                let calls: Vec<&mut Call> = match s {
                    Stmt::Call { call, .. }
                    | Stmt::DropEarly { call, .. }
                    | Stmt::CatchPanic { call, .. }
                    | Stmt::MovedFuture { call, .. } => vec![call],
                    Stmt::Select { a, b, .. } => vec![a, b],
                    _ => Vec::new(),
                };
                for c in calls.into_iter().filter(|c| c.callee == index) {
                    c.args.remove(pos);
                    if !generic {
                        c.inst = None;
                    }
                }
                if let Some(b) = s.body_mut() {
                    drop_arg(b, index, pos, generic);
                }
            }
        }
        fn drop_mentions(body: &mut Vec<Stmt>, names: &[String]) {
            body.retain(|s| !s.mentions_own(names));
            for s in body.iter_mut() {
                if let Some(b) = s.body_mut() {
                    drop_mentions(b, names);
                }
            }
        }
        let mut p = self.clone();
        let Some(f) = p.fns.iter_mut().find(|f| f.index == index) else {
            return p;
        };
        let Some(pos) = f.params.iter().position(|(k, _)| *k == slot) else {
            return p;
        };
        f.params.remove(pos);
        let names = [format!("p{slot}"), format!("p{slot}a"), format!("p{slot}b")];
        drop_mentions(&mut f.body, &names);
        f.pinned.retain(|n| !names.contains(n));
        // Without its last `T` parameter the fn is no longer generic: calls lose the turbofish.
        let still_generic = f.is_generic();
        for f in &mut p.fns {
            drop_arg(&mut f.body, index, pos, still_generic);
        }
        p
    }

    /// The program without fn `index` and every statement that calls it.
    pub fn without_fn(&self, index: usize) -> Program {
        fn filter(body: &mut Vec<Stmt>, index: usize) {
            body.retain(|s| !s.callees().contains(&index));
            for s in body.iter_mut() {
                if let Some(b) = s.body_mut() {
                    filter(b, index);
                }
            }
        }
        let mut p = self.clone();
        p.fns.retain(|f| f.index != index);
        for f in &mut p.fns {
            filter(&mut f.body, index);
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate;

    fn calls_of(body: &[Stmt], out: &mut Vec<Call>) {
        for s in body {
            match s {
                Stmt::Call { call, .. }
                | Stmt::DropEarly { call, .. }
                | Stmt::CatchPanic { call, .. }
                | Stmt::MovedFuture { call, .. } => out.push(call.clone()),
                Stmt::Select { a, b, .. } => out.extend([a.clone(), b.clone()]),
                _ => {}
            }
            if let Some(b) = s.body() {
                calls_of(b, out);
            }
        }
    }

    /// After removing any parameter, every call still passes one argument per parameter and
    /// nothing mentions the removed bindings.
    #[test]
    fn removing_a_parameter_keeps_calls_consistent() {
        for seed in 0..60 {
            let p = generate(seed);
            for f in &p.fns {
                for (slot, _) in &f.params {
                    let q = p.without_param(f.index, *slot);
                    let mut calls = Vec::new();
                    for g in &q.fns {
                        calls_of(&g.body, &mut calls);
                    }
                    for c in &calls {
                        let callee = q.fns.iter().find(|g| g.index == c.callee).unwrap();
                        assert_eq!(c.args.len(), callee.params.len(), "seed {seed}: f{}", c.callee);
                    }
                    let names = [format!("p{slot}"), format!("p{slot}a"), format!("p{slot}b")];
                    let g = q.fns.iter().find(|g| g.index == f.index).unwrap();
                    assert_eq!(g.params.len() + 1, f.params.len());
                    assert!(q.stmt_ids().len() <= p.stmt_ids().len());
                    let mut stack: Vec<&Stmt> = g.body.iter().collect();
                    while let Some(s) = stack.pop() {
                        assert!(!s.mentions_own(&names), "seed {seed}: s{} still uses p{slot}", s.id());
                        stack.extend(s.body().into_iter().flatten());
                    }
                }
            }
        }
    }
}
