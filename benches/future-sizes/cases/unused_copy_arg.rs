//@ ideal: 1026
//@ reason: unresumed holds x (1024) + n (1) + tag (1); x is Copy and never used, so no suspend state needs it
//@ by-value: yes
//@ future: f(Pod::new(22), 23)

async fn f(_x: Pod<1024>, n: u8) -> u8 {
    yield_now().await;
    n
}
