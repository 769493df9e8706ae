# postern: `make` builds, `make check` tests, `make install` installs.
# conf-cc and conf-ld hold the compile and link commands (first line of each).

PREFIX ?= /usr/local
DESTDIR ?=
SANITIZE ?=
WERROR ?=

CC_CMD := $(shell head -n 1 conf-cc)
LD_CMD := $(shell head -n 1 conf-ld)
ifeq ($(SANITIZE),1)
  BUILD ?= build/sanitize
  SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
  BUILD ?= build
  SAN_FLAGS :=
endif
ifeq ($(WERROR),1)
  CC_CMD += -Werror
endif
CXX_CMD := $(CC_CMD) $(SAN_FLAGS) -Ilib -I. -MMD -MP
LINK_CMD := $(LD_CMD) $(SAN_FLAGS)

# Every object and program depends on the commands that made it: this file
# is rewritten whenever they change (an edit of conf-cc or conf-ld, WERROR=1
# or not), so no build ever mixes objects of two flag sets.
COMMANDS_STAMP := $(BUILD)/commands
$(shell mkdir -p $(BUILD) && printf '%s\n' '$(CXX_CMD)' '$(LINK_CMD)' | cmp -s - $(COMMANDS_STAMP) || \
        printf '%s\n' '$(CXX_CMD)' '$(LINK_CMD)' > $(COMMANDS_STAMP))

# Each program: its main file, and the directory whose other sources it links.
# A directory's files named *main.cpp are mains; the rest is that program's logic.
PROGRAMS := postern-pop3d postern-popup postern-checkpass postern-passwd postern-tcpserver
main_of_postern-pop3d := pop3d/main.cpp
main_of_postern-popup := popup/main.cpp
main_of_postern-checkpass := checkpass/main.cpp
main_of_postern-passwd := checkpass/passwd_main.cpp
main_of_postern-tcpserver := ucspi/main.cpp
# Linked statically: they use no NSS, and a session's two resident processes
# then cost well under 2 MB and start faster. Not under the sanitizers, which need ld.so.
STATIC_PROGRAMS := postern-pop3d postern-popup
STATIC_FLAG := $(if $(filter 1,$(SANITIZE)),,-static)
libs_of_postern-checkpass := -lcrypt
libs_of_postern-passwd := -lcrypt
# Only the programs whose main exists yet are built.
BUILT_PROGRAMS := $(foreach p,$(PROGRAMS),$(if $(wildcard $(main_of_$(p))),$(p)))
BINARIES := $(addprefix $(BUILD)/bin/,$(BUILT_PROGRAMS))

LIB_SRC := $(wildcard lib/*.cpp)
LIB_OBJ := $(LIB_SRC:%.cpp=$(BUILD)/%.o)
LIB_A := $(BUILD)/libpostern.a

logic_of = $(filter-out %main.cpp,$(wildcard $(dir $(main_of_$(1)))*.cpp))
objs_of = $(patsubst %.cpp,$(BUILD)/%.o,$(main_of_$(1)) $(call logic_of,$(1)))

UNIT_SRC := $(wildcard tests/unit/*.cpp)
# Unit tests link every program's logic (not its main), so each part is testable alone.
ALL_LOGIC := $(sort $(foreach p,$(BUILT_PROGRAMS),$(call logic_of,$(p))))
UNIT_OBJ := $(patsubst %.cpp,$(BUILD)/%.o,$(UNIT_SRC) $(ALL_LOGIC))
UNIT_BIN := $(BUILD)/tests/unit-tests
UNIT_LIBS := -lcrypt

MANPAGES := $(wildcard man/*.[1-8])

.PHONY: all check unit e2e install clean demo bench
all: $(BINARIES)

$(BUILD)/%.o: %.cpp $(COMMANDS_STAMP)
	@mkdir -p $(dir $@)
	$(CXX_CMD) -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

define program_rule
$(BUILD)/bin/$(1): $(call objs_of,$(1)) $(LIB_A) $(COMMANDS_STAMP)
	@mkdir -p $$(dir $$@)
	$$(LINK_CMD) $(if $(filter $(1),$(STATIC_PROGRAMS)),$(STATIC_FLAG)) -o $$@ $$(filter %.o %.a,$$^) $(libs_of_$(1))
endef
$(foreach p,$(BUILT_PROGRAMS),$(eval $(call program_rule,$(p))))

# Catch2's own code: GCC's sanitizer builds warn inside it, and it is not ours to fix.
$(BUILD)/tests/unit-main.o: tests/unit-main/main.cpp $(COMMANDS_STAMP)
	@mkdir -p $(dir $@)
	$(CXX_CMD) -Wno-error -c -o $@ $<

$(UNIT_BIN): $(UNIT_OBJ) $(BUILD)/tests/unit-main.o $(LIB_A) $(COMMANDS_STAMP)
	@mkdir -p $(dir $@)
	$(LINK_CMD) -o $@ $(filter %.o %.a,$^) $(UNIT_LIBS)

# The test runner installs missing Debian packages first when run as root.
check:
	@sh tests/deps.sh
	@$(MAKE) --no-print-directory all $(UNIT_BIN)
	@BUILD=$(BUILD) sh tests/run

# postern-popup started as root chroots its network side into POPUP_ROOT: an
# empty folder of root's that nobody else may write. An existing one is left as
# it is (postern-popup refuses an unsafe one, and says why).
POPUP_ROOT = /var/empty

install: all
	@for p in $(BUILT_PROGRAMS); do \
	  install -D -m 755 $(BUILD)/bin/$$p $(DESTDIR)$(PREFIX)/bin/$$p || exit 1; done
	@for m in $(MANPAGES); do \
	  s=$${m##*.}; install -D -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$s/$${m##*/} || exit 1; done
	@test -d $(DESTDIR)$(POPUP_ROOT) || install -d -m 755 $(DESTDIR)$(POPUP_ROOT)

clean:
	rm -rf build

# The Debian package (debian/): dpkg-buildpackage in a copy of the tree, so
# that this tree and its build are left alone; the .deb lands in $(BUILD)/deb.
.PHONY: deb
deb:
	@sh debian/build-deb $(BUILD)/deb

# The demo (README's first command): the chain on 127.0.0.1 on a free port, for a
# demo user mapped to whoever runs it; writes only under $(BUILD)/demo.
demo: all
	@sh service/demo $(BUILD)/bin $(BUILD)/demo

# The benchmark against Dovecot and the machine's limits (bench/README.md): as
# root; builds its own tools with the compile command, writes bench/RESULTS.md.
bench: all
	@CC_CMD='$(CC_CMD)' BUILD='$(BUILD)' bash bench/run.sh

# Fuzzing (fuzz/README.md): `make fuzz` builds one libFuzzer target per parser
# and invariant with Debian's clang; `make fuzz-run FUZZ_SECONDS=N` runs each.
include fuzz/fuzz.mk

-include $(patsubst %.o,%.d,$(LIB_OBJ) $(UNIT_OBJ) $(foreach p,$(BUILT_PROGRAMS),$(call objs_of,$(p))))
