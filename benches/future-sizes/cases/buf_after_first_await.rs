//@ ideal: 264
//@ reason: page (256) only before the first await; the page write's future (258) only during it; back (256) + w (4) + YieldNow during the next two; tag (1): max(256, 258, 261) + 1 = 262, rounded to the u32 alignment 4
//@ by-value: yes
//@ future: f(Pod::new(51))

async fn write_page(p: Pod<256>) -> u32 {
    yield_now().await;
    p.sum()
}

// A flash driver's write-then-verify: the read-back buffer is declared after the write's await
// and lives across the next two.
async fn f(page: Pod<256>) -> u32 {
    let w = write_page(page).await;
    let mut back = [0u8; 256];
    yield_now().await;
    back[1] = 3;
    yield_now().await;
    w + back.iter().map(|&b| b as u32).sum::<u32>()
}
