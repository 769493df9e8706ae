# Included by the Makefile. Each fuzz/NAME.cpp is one libFuzzer target,
# build/fuzz/NAME, built by clang under ASan and UBSan from the library and
# the program logic it exercises, listed below as in the programs' rules: what
# a target is made of is said here, and a file being changed elsewhere in the
# tree does not stop the others from building.

FUZZ_CXX ?= clang++-14
FUZZ_SECONDS ?= 20
FUZZ_BUILD := build/fuzz
FUZZ_FLAGS := -std=c++20 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all

fuzz_parts_of_proxy_header := ucspi/proxy_header ucspi/proxy_read
fuzz_parts_of_address_pattern := ucspi/address_pattern
fuzz_parts_of_rules := ucspi/rules ucspi/address_pattern
fuzz_parts_of_maildir_name :=
fuzz_parts_of_maildir_cache := pop3d/maildir_cache

FUZZ_TARGETS := $(patsubst fuzz/%.cpp,%,$(wildcard fuzz/*.cpp))
FUZZ_BINS := $(addprefix $(FUZZ_BUILD)/,$(FUZZ_TARGETS))
FUZZ_LIB_A := $(FUZZ_BUILD)/libpostern.a
FUZZ_LIB_OBJ := $(LIB_SRC:%.cpp=$(FUZZ_BUILD)/obj/%.o)
fuzz_objs_of = $(FUZZ_BUILD)/obj/fuzz/$(1).o $(patsubst %,$(FUZZ_BUILD)/obj/%.o,$(fuzz_parts_of_$(1)))

.PHONY: fuzz fuzz-run
fuzz: $(FUZZ_BINS)

$(FUZZ_BUILD)/obj/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -Wall -Wextra -Ilib -I. -MMD -MP -c -o $@ $<

$(FUZZ_LIB_A): $(FUZZ_LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

define fuzz_rule
$(FUZZ_BUILD)/$(1): $(call fuzz_objs_of,$(1)) $(FUZZ_LIB_A)
	$$(FUZZ_CXX) $$(FUZZ_FLAGS) -fsanitize=fuzzer -o $$@ $$^ -lcrypt -lpthread
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

# One target at a time on a copy of its corpus; `make -j2 fuzz-run` runs two at once.
fuzz-run: $(addprefix fuzz-run-,$(FUZZ_TARGETS))
fuzz-run-%: $(FUZZ_BUILD)/%
	@sh fuzz/run.sh $< fuzz/corpus/$* $(FUZZ_SECONDS)

-include $(patsubst %.o,%.d,$(FUZZ_LIB_OBJ) $(foreach t,$(FUZZ_TARGETS),$(call fuzz_objs_of,$(t))))
