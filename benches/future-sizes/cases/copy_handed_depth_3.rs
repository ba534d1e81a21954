//@ ideal: 261
//@ reason: level 0 holds x (256, Copy) + YieldNow + tag (258); each of the 3 level(s) above it copies x into the level below, where it is dead, and adds its tag byte only
//@ by-value: yes
//@ future: copy_level3(Pod::new(43))

// The chain is the prelude's `copy_level0` ... `copy_level8`.
