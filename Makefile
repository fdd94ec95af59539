# Thin wrappers: the logic lives in scripts/*.sh, which also work without make
# (bash scripts/course.sh, bash scripts/test.sh, ...).
.PHONY: course test build instructor serve serve-instructor setup vendor clean distclean

course:     ## set up, build the book, serve it on http://127.0.0.1:8000/
	bash scripts/course.sh

test:       ## set up, run the whole test suite
	bash scripts/test.sh

build:      ## build the book into _build/html (warnings are errors)
	bash scripts/build.sh

instructor: ## build the instructor edition into _build/instructor/html
	bash scripts/build.sh --edition instructor

serve:      ## serve _build/html on http://127.0.0.1:8000/
	bash scripts/serve.sh

serve-instructor: ## serve the instructor edition (_build/instructor/html)
	SITE_DIR=_build/instructor/html bash scripts/serve.sh

setup:      ## install everything (apt as root, .venv, npm, vendored files)
	bash scripts/setup.sh

vendor:     ## copy widget/RequireJS/MathJax files from node_modules into book/_vendor
	bash scripts/vendor.sh

clean:      ## remove _build/ and book/_vendor/
	bash scripts/clean.sh

distclean:  ## clean, and remove .venv/, node_modules/ and .cache/
	bash scripts/clean.sh --all
