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

# Each program's objects, its main first, listed as qmail's Makefile lists
# them: a program links only what it uses (postern-passwd not the login path).
PROGRAMS := postern-pop3d postern-popup postern-checkpass postern-passwd postern-tcpserver
sources_of_postern-pop3d := pop3d/main landlock maildir_cache maildir_quota maildrop session \
    migrated_uidls dovecot_uidlist dovecot_uidl_format courier_sizelist session_commands settings update
sources_of_postern-popup := popup/main apop_timestamp authorization authorization_commands authorization_login \
    checkpassword connection log_relay login_judge login_record network_account network_child privsep_parent \
    remote_checker sasl_plain seccomp_filter settings tls_in_front ucspi_tls
sources_of_postern-checkpass := checkpass/main apop become_user crypt_hash password_file password_file_lookup \
    request settings system_account
sources_of_postern-passwd := checkpass/passwd_main atomic_rewrite crypt_hash password_file password_file_edit
sources_of_postern-tcpserver := ucspi/main access_rules address_pattern admission child connection_table \
    host_names listener options privileges proxy_header proxy_read rules rules_cdb server signals \
    source_group ucspi_env
# The first entry names the folder of the rest.
folder_of = $(dir $(firstword $(sources_of_$(1))))
main_of = $(firstword $(sources_of_$(1))).cpp
logic_of = $(addprefix $(call folder_of,$(1)),$(addsuffix .cpp,$(wordlist 2,999,$(sources_of_$(1)))))
objs_of = $(patsubst %.cpp,$(BUILD)/%.o,$(call main_of,$(1)) $(call logic_of,$(1)))
# A new source file must go in a list above, or it would be neither built nor tested.
UNLISTED := $(filter-out $(foreach p,$(PROGRAMS),$(call main_of,$(p)) $(call logic_of,$(p))),\
    $(wildcard pop3d/*.cpp popup/*.cpp checkpass/*.cpp ucspi/*.cpp))
$(if $(UNLISTED),$(error in no program's list of sources: $(UNLISTED)))
# Linked statically: they use no NSS, and a session's two resident processes
# then cost well under 2 MB and start faster. Not under the sanitizers, which need ld.so.
STATIC_PROGRAMS := postern-pop3d postern-popup
STATIC_FLAG := $(if $(filter 1,$(SANITIZE)),,-static)
libs_of_postern-checkpass := -lcrypt
libs_of_postern-passwd := -lcrypt
BINARIES := $(addprefix $(BUILD)/bin/,$(PROGRAMS))

LIB_SRC := $(wildcard lib/*.cpp)
LIB_OBJ := $(LIB_SRC:%.cpp=$(BUILD)/%.o)
LIB_A := $(BUILD)/libpostern.a

UNIT_SRC := $(wildcard tests/unit/*.cpp)
# Unit tests link every program's logic (not its main), so each part is testable alone.
ALL_LOGIC := $(sort $(foreach p,$(PROGRAMS),$(call logic_of,$(p))))
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
$(foreach p,$(PROGRAMS),$(eval $(call program_rule,$(p))))

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
	@for p in $(PROGRAMS); do \
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

-include $(patsubst %.o,%.d,$(LIB_OBJ) $(UNIT_OBJ) $(foreach p,$(PROGRAMS),$(call objs_of,$(p))))
