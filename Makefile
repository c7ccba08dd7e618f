# Thin wrapper: everything lives in course.sh, which needs only bash and Python.
.PHONY: demo test bench data
demo test bench data:
	bash course.sh $@
