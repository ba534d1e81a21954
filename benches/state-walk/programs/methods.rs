//! Async methods: `self` by value (a big receiver), `&self`, `&mut self` (from an outer future),
//! and a trait's async method called through a generic.

mod support;
use support::*;

struct Service {
    name: Small,
    buf: Big,
    count: u64,
}

impl Service {
    fn new(v: u64) -> Service {
        Service {
            name: Small::new("svc", v),
            buf: Big::new("buf", v + 1),
            count: v + 2,
        }
    }

    async fn consume(self, n: u64) -> u64 {
        suspend("consume-1").await;
        println!(
            "  consume: after 1 {:?} {:?} count={} n={n}",
            self.name, self.buf, self.count
        );
        let Service { name, buf, count } = self;
        drop(name);
        suspend("consume-2").await;
        buf.sum() + count + n
    }

    async fn inspect(&self, n: u64) -> u64 {
        suspend("inspect").await;
        println!("  inspect: {:?} n={n}", self.name);
        self.count + n
    }

    async fn bump(&mut self, by: u64) -> u64 {
        suspend("bump-1").await;
        self.count += by;
        suspend("bump-2").await;
        println!("  bump: {:?} count={}", self.name, self.count);
        self.count
    }
}

trait Job {
    async fn run(self, x: u64) -> u64;
}

impl Job for Big {
    async fn run(self, x: u64) -> u64 {
        suspend("job").await;
        println!("  job: {self:?} x={x}");
        self.sum() + x
    }
}

async fn run_job<J: Job>(j: J, x: u64) -> u64 {
    j.run(x + 1).await
}

fn main() {
    init();
    walk("consume (self by value)", || Service::new(1).consume(2));
    let svc = Service::new(3);
    walk("inspect (&self)", || svc.inspect(4));
    let holds_mut = "a live &mut into the outer future across the await";
    Walk::new("bump (&mut self, in an outer async block)")
        .no_suspended_copy(holds_mut)
        .run(|| async {
            let mut s = Service::new(5);
            let r = s.bump(6).await;
            println!("  outer: count={}", s.count);
            r
        });
    walk("trait method through a generic", || run_job(Big::new("job", 7), 8));
    drop(svc);
    done();
}
