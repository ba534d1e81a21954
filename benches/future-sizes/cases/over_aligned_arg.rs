//@ ideal: 128
//@ reason: a (64, align 64) + YieldNow (1) + tag (1) = 66, rounded to alignment 64
//@ by-value: yes
//@ future: f(Aligned([25; 64]))

#[derive(Clone, Copy)]
#[repr(align(64))]
struct Aligned([u8; 64]);

async fn f(a: Aligned) -> u32 {
    yield_now().await;
    a.0.iter().map(|&x| x as u32).sum()
}
