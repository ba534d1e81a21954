//@ ideal: 261
//@ reason: hal 258 (spi 256 + YieldNow + tag), read_reg 259, app's second await holds read_reg (259) + a (1), plus tag
//@ by-value: yes
//@ future: app(Spi { buf: [40; 256] })

// HAL -> driver -> application, the peripheral (with its 256-byte buffer) passed down and back by value.
struct Spi {
    buf: [u8; 256],
}

impl Drop for Spi {
    fn drop(&mut self) {
        say(format_args!("drop Spi buf0={} buf1={}", self.buf[0], self.buf[1]));
    }
}

async fn hal(mut spi: Spi, cmd: u8) -> Spi {
    spi.buf[0] = cmd;
    yield_now().await;
    spi.buf[1] = spi.buf[0].wrapping_mul(5);
    spi
}

async fn read_reg(spi: Spi, reg: u8) -> (Spi, u8) {
    let spi = hal(spi, reg).await;
    let v = spi.buf[1];
    (spi, v)
}

async fn app(spi: Spi) -> u8 {
    let (spi, a) = read_reg(spi, 1).await;
    let (_spi, b) = read_reg(spi, 2).await;
    a.wrapping_add(b)
}
