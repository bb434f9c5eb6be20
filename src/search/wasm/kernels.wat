;; The vector index's inner loops on WebAssembly SIMD. Built into kernels-wasm.ts by
;; `npm run build:wasm` (wabt); used through sign-bits.ts and int8-rows.ts, which fall back to
;; JavaScript where the engine lacks SIMD. Each instance owns one memory; offsets are in bytes.
(module
  (memory (export "memory") 1)

  ;; For each of `rows` rows of `vecs` 128-bit words at `bits`: how many bits differ from the query
  ;; at `q`, stored as u16 at `out` and counted in the u32 histogram at `hist`. Per-byte counters hold
  ;; at most 8 * vecs, so vecs must be at most 31 (3,968 dimensions).
  (func (export "hamming") (param $q i32) (param $bits i32) (param $rows i32) (param $vecs i32) (param $out i32) (param $hist i32)
    (local $r i32) (local $v i32) (local $acc v128) (local $sum v128) (local $dist i32) (local $slot i32)
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $acc (v128.const i64x2 0 0))
        (local.set $v (i32.const 0))
        (block $rowDone
          (loop $vec
            (br_if $rowDone (i32.ge_u (local.get $v) (local.get $vecs)))
            (local.set $acc
              (i8x16.add (local.get $acc)
                (i8x16.popcnt
                  (v128.xor
                    (v128.load (local.get $bits))
                    (v128.load (i32.add (local.get $q) (i32.shl (local.get $v) (i32.const 4))))))))
            (local.set $bits (i32.add (local.get $bits) (i32.const 16)))
            (local.set $v (i32.add (local.get $v) (i32.const 1)))
            (br $vec)))
        (local.set $sum (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (local.get $acc))))
        (local.set $dist
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $sum)) (i32x4.extract_lane 1 (local.get $sum)))
            (i32.add (i32x4.extract_lane 2 (local.get $sum)) (i32x4.extract_lane 3 (local.get $sum)))))
        (i32.store16 (local.get $out) (local.get $dist))
        (local.set $slot (i32.add (local.get $hist) (i32.shl (local.get $dist) (i32.const 2))))
        (i32.store (local.get $slot) (i32.add (i32.load (local.get $slot)) (i32.const 1)))
        (local.set $out (i32.add (local.get $out) (i32.const 2)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; As hamming, for the rows listed as u32 row numbers at `list` (`count` of them).
  (func (export "hammingRows") (param $q i32) (param $bits i32) (param $list i32) (param $count i32) (param $vecs i32) (param $out i32) (param $hist i32)
    (local $j i32) (local $v i32) (local $p i32) (local $acc v128) (local $sum v128) (local $dist i32) (local $slot i32) (local $stride i32)
    (local.set $stride (i32.shl (local.get $vecs) (i32.const 4)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $j) (local.get $count)))
        (local.set $p
          (i32.add (local.get $bits)
            (i32.mul (i32.load (i32.add (local.get $list) (i32.shl (local.get $j) (i32.const 2)))) (local.get $stride))))
        (local.set $acc (v128.const i64x2 0 0))
        (local.set $v (i32.const 0))
        (block $rowDone
          (loop $vec
            (br_if $rowDone (i32.ge_u (local.get $v) (local.get $vecs)))
            (local.set $acc
              (i8x16.add (local.get $acc)
                (i8x16.popcnt
                  (v128.xor
                    (v128.load (i32.add (local.get $p) (i32.shl (local.get $v) (i32.const 4))))
                    (v128.load (i32.add (local.get $q) (i32.shl (local.get $v) (i32.const 4))))))))
            (local.set $v (i32.add (local.get $v) (i32.const 1)))
            (br $vec)))
        (local.set $sum (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (local.get $acc))))
        (local.set $dist
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $sum)) (i32x4.extract_lane 1 (local.get $sum)))
            (i32.add (i32x4.extract_lane 2 (local.get $sum)) (i32x4.extract_lane 3 (local.get $sum)))))
        (i32.store16 (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 1))) (local.get $dist))
        (local.set $slot (i32.add (local.get $hist) (i32.shl (local.get $dist) (i32.const 2))))
        (i32.store (local.get $slot) (i32.add (i32.load (local.get $slot)) (i32.const 1)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $row))))

  ;; Of `count` u16 distances at `dist`: the rows nearer than `threshold`, and rows at it while `ties`
  ;; last (in row order), written as u32 row numbers at `out`. Returns how many were written.
  (func (export "collect") (param $dist i32) (param $count i32) (param $threshold i32) (param $ties i32) (param $out i32) (result i32)
    (local $j i32) (local $d i32) (local $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $j) (local.get $count)))
        (local.set $d (i32.load16_u (i32.add (local.get $dist) (i32.shl (local.get $j) (i32.const 1)))))
        (if (i32.lt_u (local.get $d) (local.get $threshold))
          (then
            (i32.store (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))) (local.get $j))
            (local.set $n (i32.add (local.get $n) (i32.const 1))))
          (else
            (if (i32.and (i32.eq (local.get $d) (local.get $threshold)) (i32.gt_s (local.get $ties) (i32.const 0)))
              (then
                (local.set $ties (i32.sub (local.get $ties) (i32.const 1)))
                (i32.store (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))) (local.get $j))
                (local.set $n (i32.add (local.get $n) (i32.const 1)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $next)))
    (local.get $n))

  ;; Integer dot products of the query at `q` (i16, `stride` values) with the rows listed as u32 at
  ;; `rows` (`count` of them) of the i8 matrix at `data`, whose rows are `stride` bytes (a multiple of
  ;; 16); stored as i32 at `out`. Each i8 row group is widened to i16 and multiplied pairwise
  ;; (i32x4.dot_i16x8_s); the caller scales the sums back to floats.
  (func (export "dots8") (param $q i32) (param $data i32) (param $rows i32) (param $count i32) (param $stride i32) (param $out i32)
    (local $j i32) (local $i i32) (local $p i32) (local $acc v128) (local $row v128) (local $qi i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $j) (local.get $count)))
        (local.set $p
          (i32.add (local.get $data)
            (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (local.get $j) (i32.const 2)))) (local.get $stride))))
        (local.set $acc (v128.const i64x2 0 0))
        (local.set $i (i32.const 0))
        (block $rowDone
          (loop $group
            (br_if $rowDone (i32.ge_u (local.get $i) (local.get $stride)))
            (local.set $row (v128.load (i32.add (local.get $p) (local.get $i))))
            (local.set $qi (i32.add (local.get $q) (i32.shl (local.get $i) (i32.const 1))))
            (local.set $acc
              (i32x4.add (local.get $acc)
                (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $row)) (v128.load (local.get $qi)))))
            (local.set $acc
              (i32x4.add (local.get $acc)
                (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $row)) (v128.load (i32.add (local.get $qi) (i32.const 16))))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $group)))
        (i32.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2)))
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
            (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $next))))
)
