# Included by the Makefile. Each fuzz/NAME.cpp is one libFuzzer target,
# build/fuzz/NAME, built by clang under ASan and UBSan from the library and
# the program logic it exercises, listed below as the programs' rules list
# theirs: what a target is made of is said here, and a file being changed
# elsewhere in the tree does not stop the other targets from building. A part
# whose file does not exist is left out; the link then says what is missing.

FUZZ_CXX ?= clang++-14
FUZZ_SECONDS ?= 20
FUZZ_BUILD := build/fuzz
FUZZ_FLAGS := -std=c++20 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all

fuzz_parts_of_proxy_header := ucspi/proxy_header ucspi/proxy_read
fuzz_parts_of_address_pattern := ucspi/address_pattern
fuzz_parts_of_rules := ucspi/rules ucspi/address_pattern
fuzz_parts_of_maildir_name :=
fuzz_parts_of_message_encoding :=
fuzz_parts_of_maildir_cache := pop3d/maildir_cache pop3d/migrated_uidls pop3d/dovecot_uidlist pop3d/courier_sizelist \
    pop3d/dovecot_uidl_format
fuzz_parts_of_uidl_lists := pop3d/migrated_uidls pop3d/dovecot_uidlist pop3d/courier_sizelist pop3d/dovecot_uidl_format
fuzz_parts_of_maildirsize := pop3d/maildir_quota
fuzz_parts_of_sasl_plain := popup/sasl_plain
fuzz_parts_of_password_file := checkpass/password_file checkpass/password_file_edit checkpass/password_file_lookup
fuzz_parts_of_popup_dialogue := popup/authorization popup/authorization_commands popup/authorization_login popup/sasl_plain \
    popup/checkpassword popup/log_relay popup/ucspi_tls
fuzz_parts_of_login_record := popup/login_record
fuzz_parts_of_checkpassword_input := checkpass/request popup/checkpassword popup/log_relay popup/ucspi_tls

FUZZ_TARGETS := $(patsubst fuzz/%.cpp,%,$(wildcard fuzz/*.cpp))
FUZZ_BINS := $(addprefix $(FUZZ_BUILD)/,$(FUZZ_TARGETS))
FUZZ_LIB_A := $(FUZZ_BUILD)/libpostern.a
fuzz_obj = $(patsubst %.cpp,$(FUZZ_BUILD)/obj/%.o,$(1))
fuzz_objs_of = $(call fuzz_obj,fuzz/$(1).cpp $(wildcard $(addsuffix .cpp,$(fuzz_parts_of_$(1)))))

.PHONY: fuzz fuzz-run
fuzz: $(FUZZ_BINS)

$(FUZZ_BUILD)/obj/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -Wall -Wextra -Ilib -I. -MMD -MP -c -o $@ $<

$(FUZZ_LIB_A): $(call fuzz_obj,$(LIB_SRC))
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

-include $(patsubst %.o,%.d,$(call fuzz_obj,$(LIB_SRC)) $(foreach t,$(FUZZ_TARGETS),$(call fuzz_objs_of,$(t))))
