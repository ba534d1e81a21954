//@ ideal: 1025
//@ reason: no suspension: only the unresumed state, b (1024) + tag (1)
//@ by-value: yes
//@ future: f(Buf::new(24))

async fn f(b: Buf<1024>) -> u32 {
    b.sum()
}
