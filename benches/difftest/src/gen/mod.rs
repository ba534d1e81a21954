//! The generator: seed -> `Program`.
//!
//! Signatures are drawn first, then bodies from the last fn to the first, so that when fn `i` is
//! generated every callee `j > i` already has a known cost (how many calls running it performs).
//! A call is only generated while the caller's cost stays under `COST_LIMIT`; that bounds the
//! run time and transcript length of every program without a runtime fuel counter.
//!
//! Submodules, one construct each:
//! - [`env`]: the bindings a body can use and which of them are still movable;
//! - [`types`]: value types, parameter shapes and argument expressions;
//! - [`stmt`]: the statement kinds and when each is allowed.

mod env;
mod stmt;
mod types;

use crate::program::{AsyncFn, Param, Program, Ret};
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
}

/// Generate the program for `seed`. Same seed, same program, on every machine.
pub fn generate(seed: u64) -> Program {
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
            let n_params = rng.range(0, 3) as usize;
            (0..n_params).map(|_| types::param(&mut rng)).collect()
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
    };
    let mut fns = Vec::new();
    for i in (0..n_fns).rev() {
        fns.push(g.gen_fn(i));
    }
    fns.reverse();
    Program { seed, fns }
}

impl Gen {
    fn id(&mut self) -> u32 {
        self.next_id += 1;
        self.next_id
    }

    fn gen_fn(&mut self, index: usize) -> AsyncFn {
        let (params, ret) = self.sigs[index].clone();
        let mut env = Env::from_params(&params);
        self.cur_cost = 1;
        let ctx = Ctx {
            fn_index: index,
            ret,
            depth: 0,
            mult: 1,
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
