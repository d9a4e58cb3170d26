// Generates ES Number->String vectors for EcmaNumbersTest (run: node gen.js > jcs-number-vectors.txt)
const buf = new DataView(new ArrayBuffer(8));
let seed = 0x2545F4914F6CDD1Dn;
function rnd64(){ seed ^= seed << 13n; seed &= (1n<<64n)-1n; seed ^= seed >> 7n; seed ^= seed << 17n; seed &= (1n<<64n)-1n; return seed; }
const out = new Set();
function emit(d){ if (!isFinite(d)) return; buf.setFloat64(0, d); out.add(buf.getBigUint64(0).toString(16).padStart(16,"0") + " " + String(d)); }
for (let i=0;i<2000;i++){ buf.setBigUint64(0, rnd64()); emit(buf.getFloat64(0)); }
for (let e=-1074;e<=1023;e++){ emit(Math.pow(2,e)); emit(-Math.pow(2,e)); }
for (let e=-323;e<=308;e++){ const d = Number("1e"+e); emit(d); buf.setFloat64(0,d); const b = buf.getBigUint64(0); buf.setBigUint64(0,b+1n); emit(buf.getFloat64(0)); buf.setBigUint64(0,b-1n); emit(buf.getFloat64(0)); }
for (let i=0;i<500;i++){ emit(Number(rnd64() % 100000000n) / 1000); emit(Number(rnd64()) ); emit(Number(rnd64() % 1000000n) * 1e-9); }
console.log([...out].join("\n"));
