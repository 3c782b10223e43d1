// Builds the web UI into one folder of static files that CMake embeds into the cicada binary
// (web/CMakeLists.txt). No bundler: the app is plain ES2020 in a few files, and uPlot comes as its
// prebuilt IIFE build, so the build is a copy with a version stamp. Usage: node build.mjs SRC OUT
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const [src = 'src', out = 'dist'] = process.argv.slice(2);
const require = createRequire(join(process.cwd(), 'package.json'));
const uplotDir = join(dirname(require.resolve('uplot/package.json')), 'dist');
const uplotVersion = JSON.parse(readFileSync(require.resolve('uplot/package.json'), 'utf8')).version;

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
// Every file of src/ (each page is an .html with its scripts); pages get uPlot's version stamped in.
for (const file of readdirSync(src)) {
  if (file.endsWith('.html')) {
    writeFileSync(join(out, file), readFileSync(join(src, file), 'utf8').replaceAll('@UPLOT_VERSION@', uplotVersion));
  } else {
    cpSync(join(src, file), join(out, file));
  }
}
cpSync(join(uplotDir, 'uPlot.iife.min.js'), join(out, 'uPlot.iife.min.js'));
cpSync(join(uplotDir, 'uPlot.min.css'), join(out, 'uPlot.min.css'));
console.log(`web: built ${out} (uPlot ${uplotVersion})`);
