//! The generator: seed -> `Program`.
//!
//! Signatures are drawn first, then bodies from the last fn to the first, so that when fn `i` is
//! generated every callee `j > i` already has a known cost (how many calls running it performs).
//! A call is only generated while the caller's cost stays under `COST_LIMIT`; that bounds the
//! run time and transcript length of every program without a runtime fuel counter.
//!
//! What the programs exercise beyond plain awaits (issue 14's hazards): arguments reassigned and
//! read after an await, arguments whose address is taken before the first await and used after
//! the last (`pinned`), zero-sized and over-aligned values, generic fns instantiated with types
//! with and without drop glue, async closures by reference and by move taking arguments (when the
//! [`Caps`] allow), and futures moved before their first poll.
//!
//! Submodules, one construct each:
//! - [`env`]: the bindings a body can use and which of them are still movable;
//! - [`types`]: value types, parameter shapes and argument expressions;
//! - [`stmt`]: the statement kinds and when each is allowed.

mod env;
mod stmt;
mod types;

use crate::program::{AsyncFn, Caps, Param, Program, Ret, Ty};
use crate::rng::Rng;
use env::Env;

/// Upper bound on the calls one run of a fn may perform (callees and loops included).
const COST_LIMIT: u64 = 40;

/// Where a statement is being generated.
#[derive(Clone, Copy, Debug)]
struct Ctx {
    /// Index of the fn being generated; callees must be greater.
    fn_index: usize,
    /// Return type of the innermost body (async blocks return plain `u64`).
    ret: Ret,
    /// Nesting depth of loops and async blocks.
    depth: u8,
    /// Product of enclosing loop counts: how often a statement here runs per call of the fn.
    mult: u64,
    /// The fn has a type parameter `T`, which calls may pass on.
    generic: bool,
}

/// Generation state for one program.
struct Gen {
    rng: Rng,
    next_id: u32,
    next_tag: u32,
    sigs: Vec<(Vec<Param>, Ret)>,
    /// Calls performed by one run of each fn; known for fns already generated.
    costs: Vec<u64>,
    /// Cost accumulated so far by the fn being generated.
    cur_cost: u64,
    caps: Caps,
}

/// Generate the program for `seed` with every feature. Same seed, same program, on every machine.
pub fn generate(seed: u64) -> Program {
    generate_with(seed, Caps::ALL)
}

/// Generate the program for `seed` using only the features in `caps`. Same seed and caps, same
/// program; other caps give another program.
pub fn generate_with(seed: u64, caps: Caps) -> Program {
    let mut rng = Rng::new(seed);
    let n_fns = rng.range(3, 7) as usize;
    let mut sigs = Vec::new();
    for i in 0..n_fns {
        if i == 0 {
            sigs.push((Vec::new(), Ret::Plain));
            continue;
        }
        // Half the time a fn takes the parameters of an earlier fn: an earlier fn is a possible
        // caller, so it can pass its own arguments on (issue 5's delegation chains).
        let params = if i >= 2 && rng.chance(1, 2) {
            let j = rng.range(1, i as u64 - 1) as usize;
            sigs[j].0.clone()
        } else {
            // A quarter of the fns are generic: some of their parameters have type `T`.
            let generic = rng.chance(1, 4);
            let n_params = rng.range(generic as u64, 3) as usize;
            let mut params: Vec<Param> = (0..n_params).map(|_| types::param(&mut rng, generic)).collect();
            if generic && !params.iter().any(Param::has_gen) {
                params[0] = params[0].subst_first(Ty::Gen);
            }
            params
        };
        let ret = if rng.chance(1, 3) { Ret::Fallible } else { Ret::Plain };
        sigs.push((params, ret));
    }
    let mut g = Gen {
        rng,
        next_id: 1,
        next_tag: 5000,
        sigs,
        costs: vec![0; n_fns],
        cur_cost: 0,
        caps,
    };
    let mut fns = Vec::new();
    for i in (0..n_fns).rev() {
        fns.push(g.gen_fn(i));
    }
    fns.reverse();
    Program { seed, caps, fns }
}

impl Gen {
    fn id(&mut self) -> u32 {
        self.next_id += 1;
        self.next_id
    }

    fn gen_fn(&mut self, index: usize) -> AsyncFn {
        let (params, ret) = self.sigs[index].clone();
        let mut env = Env::from_params(&params);
        // A third of the fns with parameters take one binding's address before anything else
        // runs (before the first await) and use it after the body; the body leaves it alone.
        let mut pinned = Vec::new();
        if !env.bindings.is_empty() && self.rng.chance(1, 3) {
            let name = self.rng.pick(&env.bindings).name.clone();
            env.hide(&name);
            pinned.push(name);
        }
        self.cur_cost = 1;
        let ctx = Ctx {
            fn_index: index,
            ret,
            depth: 0,
            mult: 1,
            generic: params.iter().any(Param::has_gen),
        };
        let n = if index == 0 {
            self.rng.range(4, 9)
        } else {
            self.rng.range(2, 6)
        };
        let body = (0..n).map(|_| self.stmt(ctx, &mut env)).collect();
        self.costs[index] = self.cur_cost;
        AsyncFn {
            index,
            params: params.into_iter().enumerate().collect(),
            ret,
            pinned,
            body,
        }
    }

    /// Callees `j > fn_index` that still fit in the cost budget when run `mult` times.
    fn callees(&self, ctx: Ctx) -> Vec<usize> {
        (ctx.fn_index + 1..self.sigs.len())
            .filter(|&j| self.cur_cost + ctx.mult * self.costs[j] <= COST_LIMIT)
            .collect()
    }
}
